package views

import (
	"fmt"
	"io"
	"strings"

	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/engine/plan"
	"github.com/isoforge/isoforge/spec"
)

var actionSymbols = map[plan.Kind]string{plan.Create: "+", plan.Rebuild: "~", plan.Remove: "-", plan.NoOp: " "}

// PlanHuman prints a plan: the pin, one line per change, a summary line.
func PlanHuman(w io.Writer, pl *plan.Plan, resolved bool) {
	fmt.Fprintf(w, "nixpkgs: %s (%s)\n\n", DescribePin(pl.Pin), pinSource(pl.Pin, resolved))
	width := 0
	for _, a := range pl.Actions {
		width = max(width, len(a.Variant))
	}
	for _, a := range pl.Actions {
		if a.Kind == plan.NoOp {
			continue
		}
		// Removed variants are named by the lock: escape what a tampered
		// lock could hide there.
		fmt.Fprintf(w, "  %s %-8s %-*s  %s\n", actionSymbols[a.Kind], a.Kind, width, spec.Printable(a.Variant), strings.Join(a.Reasons, "; "))
	}
	if pl.HasChanges() {
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, summaryLine(pl))
}

// DescribePin names a pin in one phrase.
func DescribePin(p lockfile.Pin) string {
	switch {
	case p.Channel != "":
		return fmt.Sprintf("channel %s at %s", p.Channel, p.Rev)
	case p.Rev != "":
		return "revision " + p.Rev
	case p.Path != "":
		return fmt.Sprintf("local path %s (%s)", p.Path, p.NarHash)
	default:
		return fmt.Sprintf("local path from ISOFORGE_NIXPKGS_PATH (%s)", p.NarHash)
	}
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
		return fmt.Sprintf("No changes. %s up to date.", Plural(c[plan.NoOp], "variant"))
	}
	return fmt.Sprintf("Plan: %d to create, %d to rebuild, %d to remove, %d unchanged.",
		c[plan.Create], c[plan.Rebuild], c[plan.Remove], c[plan.NoOp])
}

// Plural writes "1 variant" or "2 variants".
func Plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// PlanJSON is `plan -json` and the plan message of `apply -json`
// (docs/plan.schema.json).
type PlanJSON struct {
	FormatVersion string         `json:"format_version"`
	Nixpkgs       PinJSON        `json:"nixpkgs"`
	Actions       []ActionJSON   `json:"actions"`
	Summary       map[string]int `json:"summary"`
	Changes       bool           `json:"changes"`
	Resolved      bool           `json:"nixpkgs_newly_resolved"`
	Skipped       []string       `json:"skipped_by_target"`
	Diagnostics   []Diagnostic   `json:"diagnostics"`
}

// PinJSON is a nixpkgs pin: channel and rev, or a rev, with the archive
// and NAR hash; or a local path and its NAR hash.
type PinJSON struct {
	Channel string `json:"channel,omitempty"`
	Rev     string `json:"rev,omitempty"`
	URL     string `json:"url,omitempty"`
	Path    string `json:"path,omitempty"`
	NarHash string `json:"nar_hash,omitempty"`
}

// ActionJSON is one variant's planned action.
type ActionJSON struct {
	Variant    string   `json:"variant"`
	Action     string   `json:"action"`
	Reasons    []string `json:"reasons"`
	Drift      bool     `json:"drift"`
	Artifact   string   `json:"artifact"`
	InputsHash string   `json:"inputs_hash"`
}

// NewPlanJSON converts a plan; skipped are the variants -target left out.
func NewPlanJSON(pl *plan.Plan, resolved bool, skipped []string) PlanJSON {
	if skipped == nil {
		skipped = []string{}
	}
	doc := PlanJSON{FormatVersion: FormatVersion, Nixpkgs: PinJSON(pl.Pin), Summary: map[string]int{},
		Changes: pl.HasChanges(), Resolved: resolved, Actions: []ActionJSON{}, Skipped: skipped, Diagnostics: []Diagnostic{}}
	for _, k := range []plan.Kind{plan.Create, plan.Rebuild, plan.Remove, plan.NoOp} {
		doc.Summary[string(k)] = 0
	}
	for k, n := range pl.Counts() {
		doc.Summary[string(k)] = n
	}
	for _, a := range pl.Actions {
		reasons := a.Reasons
		if reasons == nil {
			reasons = []string{}
		}
		doc.Actions = append(doc.Actions, ActionJSON{Variant: a.Variant, Action: string(a.Kind), Reasons: reasons,
			Drift: a.Drift, Artifact: a.Artifact, InputsHash: a.Inputs.Hash})
	}
	return doc
}
