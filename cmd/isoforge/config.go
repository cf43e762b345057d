package main

import (
	"os"

	"github.com/hashicorp/hcl/v2"
	"github.com/isoforge/isoforge/spec"
	"github.com/spf13/cobra"
)

// Environment overrides of isos.hcl settings, for registry mirrors,
// air-gapped fleets and tests.
const (
	envImage       = "ISOFORGE_IMAGE"
	envNixpkgsPath = "ISOFORGE_NIXPKGS_PATH"
	envRuntime     = "ISOFORGE_RUNTIME"
)

// configFlags are the flags of every command that loads isos.hcl.
type configFlags struct {
	order []spec.VarArg
}

func (c *configFlags) register(cmd *cobra.Command) {
	cmd.Flags().Var(&varFlag{c: c}, "var", "set a variable: `NAME=VALUE` (repeatable)")
	cmd.Flags().Var(&varFileFlag{c: c}, "var-file", "read variables from an HCL `FILE` (repeatable)")
}

// load reads the configuration in dir with the flags' variables.
func (c *configFlags) load(dir string) (*spec.Config, *spec.Loader, hcl.Diagnostics) {
	l := spec.NewLoader()
	cfg, diags := l.Load(dir, spec.Options{
		Vars: c.order, Env: os.Environ(),
		Image: os.Getenv(envImage), NixpkgsPath: os.Getenv(envNixpkgsPath),
	})
	return cfg, l, diags
}

// varFlag and varFileFlag append to one ordered list, because Terraform's
// precedence rule is "later on the command line wins" across both flags.
type varFlag struct{ c *configFlags }

func (f *varFlag) String() string { return "" }
func (f *varFlag) Type() string   { return "NAME=VALUE" }
func (f *varFlag) Set(s string) error {
	v, err := spec.ParseVarArg(s)
	if err != nil {
		return err
	}
	f.c.order = append(f.c.order, v)
	return nil
}

type varFileFlag struct{ c *configFlags }

func (f *varFileFlag) String() string { return "" }
func (f *varFileFlag) Type() string   { return "FILE" }
func (f *varFileFlag) Set(s string) error {
	f.c.order = append(f.c.order, spec.VarArg{File: s})
	return nil
}
