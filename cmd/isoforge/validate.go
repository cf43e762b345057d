package main

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/spf13/cobra"
)

type validateResult struct {
	Valid        bool             `json:"valid"`
	ErrorCount   int              `json:"error_count"`
	WarningCount int              `json:"warning_count"`
	Variants     []string         `json:"variants"`
	Diagnostics  []jsonDiagnostic `json:"diagnostics"`
	Lock         *lockCheck       `json:"lock,omitempty"`
}

func newValidateCmd(s *streams, g *globals) *cobra.Command {
	var cf configFlags
	var asJSON, locked bool
	cmd := &cobra.Command{
		Use:   "validate [DIR]",
		Short: "Check isos.hcl offline: syntax, types, names, SSH keys, packages, module files",
		Long: `Validate parses and checks the configuration in DIR (default: the current
directory) without network access or a container runtime, so it suits
pre-commit hooks and CI.

With -locked it also checks that isos.lock.hcl pins nixpkgs and records
every variant with its current inputs hash: the guard against committing
a changed isos.hcl without its rebuilt lock. Still offline; artifacts are
not read.

Exit status: 0 valid, 1 invalid.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := dirArg(args)
			cfg, l, diags := cf.load(dir)
			res := validateResult{Valid: !diags.HasErrors(), Diagnostics: toJSONDiagnostics(diags), Variants: []string{}}
			for _, d := range diags {
				if d.Severity == hcl.DiagError {
					res.ErrorCount++
				} else {
					res.WarningCount++
				}
			}
			if cfg != nil && res.Valid {
				res.Variants = cfg.VariantNames()
			}
			if locked && res.Valid {
				res.Lock = checkLocked(cfg)
				res.Valid = res.Lock.Error == "" && len(res.Lock.Mismatches) == 0
			}
			if asJSON {
				if err := writeJSON(s.out, res); err != nil {
					return err
				}
			} else {
				writeDiagnostics(s.err, l.Files(), diags, g.color(s.err))
				writeLockResult(s, res.Lock)
				if res.Valid {
					fmt.Fprintf(s.out, "Success! The configuration is valid (%s).\n", plural(len(res.Variants), "variant"))
				}
			}
			if !res.Valid {
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
