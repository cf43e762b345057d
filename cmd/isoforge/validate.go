package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

type validateResult struct {
	Valid        bool             `json:"valid"`
	ErrorCount   int              `json:"error_count"`
	WarningCount int              `json:"warning_count"`
	Variants     []string         `json:"variants"`
	Diagnostics  []jsonDiagnostic `json:"diagnostics"`
}

func newValidateCmd(s *streams, g *globals) *cobra.Command {
	var cf configFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "validate [DIR]",
		Short: "Check isos.hcl offline: syntax, types, names, SSH keys, packages, module files",
		Long: `Validate parses and checks the configuration in DIR (default: the current
directory) without network access or a container runtime, so it suits
pre-commit hooks and CI.

Exit status: 0 valid, 1 invalid.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := dirArg(args)
			cfg, l, diags := cf.load(dir)
			res := validateResult{Valid: !diags.HasErrors(), Diagnostics: toJSONDiagnostics(diags), Variants: []string{}}
			for _, d := range diags {
				if d.Severity == 1 {
					res.ErrorCount++
				} else {
					res.WarningCount++
				}
			}
			if cfg != nil && res.Valid {
				res.Variants = cfg.VariantNames()
			}
			if asJSON {
				if err := writeJSON(s.out, res); err != nil {
					return err
				}
			} else {
				writeDiagnostics(s.err, l.Files(), diags, g.color(s.err))
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
	return cmd
}

func dirArg(args []string) string {
	if len(args) > 0 {
		return args[0]
	}
	return "."
}
