package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/engine/plan"
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
or nothing. It never starts a container.

With -refresh=false it compares inputs with the lock only, offline, and
ignores the output directory: on a fresh clone with a committed lock,
'plan -detailed-exitcode -refresh=false' answers "does isos.lock.hcl
match isos.hcl" (exit 0) or not (exit 2).

Exit status: 0 success; with -detailed-exitcode 0 nothing to do,
1 error, 2 changes pending.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ws, err := openWorkspace(s, g, &pf.configFlags)
			if err != nil {
				return err
			}
			pl, resolved, err := computePlan(cmd.Context(), ws, pf.options())
			if err != nil {
				return err
			}
			if pf.asJSON {
				err = writeJSON(s.out, planJSON(pl, resolved))
			} else {
				writePlanHuman(s.out, pl, resolved)
			}
			if err != nil {
				return err
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

var actionSymbols = map[plan.Kind]string{plan.Create: "+", plan.Rebuild: "~", plan.Remove: "-", plan.NoOp: " "}

func writePlanHuman(w io.Writer, pl *plan.Plan, resolved bool) {
	fmt.Fprintf(w, "nixpkgs: %s (%s)\n\n", describePin(pl.Pin), pinSource(pl.Pin, resolved))
	width := 0
	for _, a := range pl.Actions {
		width = max(width, len(a.Variant))
	}
	for _, a := range pl.Actions {
		if a.Kind == plan.NoOp {
			continue
		}
		fmt.Fprintf(w, "  %s %-8s %-*s  %s\n", actionSymbols[a.Kind], a.Kind, width, a.Variant, strings.Join(a.Reasons, "; "))
	}
	if pl.HasChanges() {
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, summaryLine(pl))
}

func pinSource(p lockfile.Pin, resolved bool) string {
	switch {
	case resolved:
		return "newly resolved; apply or lock will pin it"
	case p.Channel != "":
		return "from isos.lock.hcl"
	case p.Rev != "":
		return "from isos.hcl"
	}
	return "pinned by content"
}

func summaryLine(pl *plan.Plan) string {
	c := pl.Counts()
	if !pl.HasChanges() {
		return fmt.Sprintf("No changes. %s up to date.", plural(c[plan.NoOp], "variant"))
	}
	return fmt.Sprintf("Plan: %d to create, %d to rebuild, %d to remove, %d unchanged.",
		c[plan.Create], c[plan.Rebuild], c[plan.Remove], c[plan.NoOp])
}

type planJSONDoc struct {
	Nixpkgs  pinJSON        `json:"nixpkgs"`
	Actions  []actionJSON   `json:"actions"`
	Summary  map[string]int `json:"summary"`
	Changes  bool           `json:"changes"`
	Resolved bool           `json:"nixpkgs_newly_resolved"`
}

type pinJSON struct {
	Channel string `json:"channel,omitempty"`
	Rev     string `json:"rev,omitempty"`
	URL     string `json:"url,omitempty"`
	Path    string `json:"path,omitempty"`
	NarHash string `json:"nar_hash,omitempty"`
}

type actionJSON struct {
	Variant    string   `json:"variant"`
	Action     string   `json:"action"`
	Reasons    []string `json:"reasons"`
	Drift      bool     `json:"drift,omitempty"`
	Artifact   string   `json:"artifact,omitempty"`
	InputsHash string   `json:"inputs_hash,omitempty"`
}

func planJSON(pl *plan.Plan, resolved bool) planJSONDoc {
	doc := planJSONDoc{Nixpkgs: pinJSON(pl.Pin), Summary: map[string]int{}, Changes: pl.HasChanges(), Resolved: resolved, Actions: []actionJSON{}}
	for k, n := range pl.Counts() {
		doc.Summary[string(k)] = n
	}
	for _, a := range pl.Actions {
		reasons := a.Reasons
		if reasons == nil {
			reasons = []string{}
		}
		doc.Actions = append(doc.Actions, actionJSON{Variant: a.Variant, Action: string(a.Kind), Reasons: reasons,
			Drift: a.Drift, Artifact: a.Artifact, InputsHash: a.Inputs.Hash})
	}
	return doc
}
