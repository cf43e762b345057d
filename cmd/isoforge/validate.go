package main

import (
	"github.com/isoforge/isoforge/cmd/isoforge/internal/views"
	"github.com/spf13/cobra"
)

// validateJSON is `validate -json`: Terraform's shape (format_version,
// valid, counts, diagnostics with snippets) plus the variant names
// (docs/validate.schema.json).
type validateJSON struct {
	views.DiagnosticsJSON
	Variants []string `json:"variants"`
}

func newValidateCmd(s *streams, g *globals) *cobra.Command {
	var cf configFlags
	var asJSON, locked bool
	cmd := &cobra.Command{
		Use:   "validate [DIR]",
		Short: "Check isos.hcl offline: syntax, types, names, SSH keys, packages, module files",
		Long: `Validate parses and checks the configuration in DIR (default: the current
directory, or -chdir) without network access or a container runtime, so
it suits pre-commit hooks and CI.

With -locked it also checks that isos.lock.hcl pins nixpkgs and records
every variant with its current inputs hash: the guard against committing
a changed isos.hcl without its rebuilt lock. Each mismatching variant is
an error diagnostic. Still offline; artifacts are not read.

Exit status: 0 valid, 1 invalid.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, l, diags := cf.load(dirArg(args))
			variants := []string{}
			if cfg != nil && !diags.HasErrors() {
				variants = cfg.VariantNames()
				if locked {
					diags = append(diags, lockDiagnostics(cfg)...)
				}
			}
			if asJSON {
				doc := validateJSON{views.NewDiagnosticsJSON(views.NewDiagnostics(diags, l.Files())), variants}
				if err := views.WriteJSON(s.out, doc); err != nil {
					return err
				}
			} else {
				v := views.New(s.out, s.err, g.noColor)
				v.Files = l.Files()
				v.Diagnostics(diags)
				if !diags.HasErrors() {
					v.Valid(len(variants))
				}
			}
			if diags.HasErrors() {
				return &exitError{code: exitError1}
			}
			return nil
		},
	}
	cf.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	cmd.Flags().BoolVar(&locked, "locked", false, "also fail when isos.lock.hcl is missing or any variant's inputs differ from it")
	return cmd
}

func dirArg(args []string) string {
	if len(args) > 0 {
		return args[0]
	}
	return "."
}
