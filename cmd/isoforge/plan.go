package main

import (
	"github.com/isoforge/isoforge/cmd/isoforge/internal/views"
	"github.com/spf13/cobra"
)

func newPlanCmd(s *streams, g *globals) *cobra.Command {
	var pf planFlags
	var detailed bool
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show which variants would be built and why",
		Long: `Plan compares every variant's inputs (rendered module, module files,
nixpkgs pin, format, builder image) and artifact with isos.lock.hcl and
prints one action per variant: create, rebuild (with the reason), remove,
or nothing. It starts no build container; when a pending build boots a VM
it runs a short probe container (labelled io.isoforge.probe) to warn up
front when the engine's host has no usable KVM, and it warns when
aarch64-linux variants cannot build here.

-target and -replace take globs (path.Match: * ? [...]); with -target,
plan warns which variants it skipped.

With -json the plan, or the diagnostics of a configuration that does not
load, is one JSON document on stdout (docs/json.md).

With -refresh=false it compares inputs with the lock only, offline, and
ignores the output directory: on a fresh clone with a committed lock,
'plan -detailed-exitcode -refresh=false' answers "does isos.lock.hcl
match isos.hcl" (exit 0) or not (exit 2).

Exit status: 0 success; with -detailed-exitcode 0 nothing to do,
1 error, 2 changes pending.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o := newOutput(s, g, pf.asJSON)
			ws, err := openWorkspace(o, &pf.configFlags)
			if err != nil {
				return err
			}
			pl, resolved, err := computePlan(cmd.Context(), ws, &pf)
			if err != nil {
				return o.fail(err)
			}
			skipped := pf.skipped(ws)
			if pf.refresh && !pf.asJSON {
				warnHostNeeds(cmd.Context(), s.err, pl, ws.Cfg)
			}
			if pf.asJSON {
				doc := views.NewPlanJSON(pl, resolved, skipped)
				doc.Diagnostics = o.diagnosticsJSON()
				if err := views.WriteJSON(s.out, doc); err != nil {
					return err
				}
			} else {
				views.PlanHuman(s.out, pl, resolved)
				if len(skipped) > 0 {
					o.v.Warning(views.SkippedWarning(skipped))
				}
			}
			if detailed && pl.HasChanges() {
				return &exitError{code: exitChanges}
			}
			return nil
		},
	}
	pf.register(cmd)
	cmd.Flags().BoolVar(&detailed, "detailed-exitcode", false, "exit 2 when there are changes, 0 when there are none")
	cmd.Flags().BoolVar(&pf.refresh, "refresh", true, "check artifacts in the output directory; -refresh=false compares inputs with the lock only, offline (CI)")
	return cmd
}
