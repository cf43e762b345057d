package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/engine/plan"
	"github.com/isoforge/isoforge/spec"
)

// applyView shows an apply: live lines on a terminal, prefixed lines in
// CI logs, NDJSON with -json.
type applyView interface {
	Plan(*plan.Plan)
	Event(apply.Event)
	Summary([]apply.Result, error)
}

func newApplyView(s *streams, g *globals, asJSON bool) applyView {
	switch {
	case asJSON:
		return &jsonApplyView{enc: json.NewEncoder(s.out)}
	case isTerminal(s.out):
		return newLiveView(s.out, g.color(s.out))
	default:
		return &plainApplyView{w: s.out}
	}
}

// plainApplyView writes one prefixed line per event, for CI logs.
type plainApplyView struct {
	mu sync.Mutex
	w  io.Writer
}

func (v *plainApplyView) Plan(pl *plan.Plan) { writePlanHuman(v.w, pl, false); fmt.Fprintln(v.w) }

func (v *plainApplyView) Event(e apply.Event) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if line := eventLine(e); line != "" {
		fmt.Fprintf(v.w, "[%s] %s\n", e.Variant, line)
	}
}

func (v *plainApplyView) Summary(rs []apply.Result, err error) { writeSummary(v.w, rs, err) }

func eventLine(e apply.Event) string {
	switch e.Type {
	case apply.EventStart:
		return "building: " + strings.Join(e.Reasons, "; ")
	case apply.EventLog:
		return e.Line
	case apply.EventDone:
		return fmt.Sprintf("built %s (%s, sha256 %s) in %s", e.Artifact, humanSize(e.Size), short(e.SHA256), e.Duration.Round(100*time.Millisecond))
	case apply.EventFailed:
		return "FAILED: " + e.Error
	}
	return ""
}

// jsonApplyView emits one JSON object per line.
type jsonApplyView struct {
	mu  sync.Mutex
	enc *json.Encoder
}

func (v *jsonApplyView) Plan(pl *plan.Plan) {
	v.put(map[string]any{"type": "plan", "plan": planJSON(pl, false)})
}

func (v *jsonApplyView) Event(e apply.Event) { v.put(e) }

func (v *jsonApplyView) Summary(rs []apply.Result, err error) {
	out := make([]map[string]any, 0, len(rs))
	for _, r := range rs {
		m := map[string]any{"variant": r.Variant, "action": r.Kind, "result": resultWord(r), "artifact": r.Artifact,
			"sha256": r.SHA256, "size": r.Size, "duration_ns": r.Duration}
		if r.Err != nil {
			m["error"] = r.Err.Error()
		}
		out = append(out, m)
	}
	doc := map[string]any{"type": "summary", "results": out}
	if err != nil {
		doc["error"] = err.Error()
	}
	v.put(doc)
}

func (v *jsonApplyView) put(x any) {
	v.mu.Lock()
	defer v.mu.Unlock()
	_ = v.enc.Encode(x)
}

func resultWord(r apply.Result) string {
	switch {
	case errors.Is(r.Err, context.Canceled):
		return "cancelled"
	case r.Err != nil:
		return "failed"
	case r.Built:
		return "built"
	case r.Kind == plan.Remove:
		return "removed"
	}
	return "unchanged"
}

func writeSummary(w io.Writer, rs []apply.Result, err error) {
	rs = slices.Clone(rs)
	slices.SortFunc(rs, func(a, b apply.Result) int { return strings.Compare(a.Variant, b.Variant) })
	counts := map[string]int{}
	built := false
	for _, r := range rs {
		counts[resultWord(r)]++
		built = built || r.Built || r.Err != nil
	}
	if built {
		fmt.Fprintf(w, "\n%-24s %-9s %-32s %10s %9s\n", "VARIANT", "RESULT", "ARTIFACT", "SIZE", "DURATION")
		for _, r := range rs {
			if r.Kind == plan.NoOp {
				continue
			}
			fmt.Fprintf(w, "%-24s %-9s %-32s %10s %9s\n", spec.Printable(r.Variant), resultWord(r), spec.Printable(r.Artifact), humanSize(r.Size), durationText(r))
		}
	}
	if counts["cancelled"] > 0 || errors.Is(err, context.Canceled) {
		fmt.Fprintf(w, "\nApply interrupted: %d built, %d unchanged, %d failed, %d removed, %d cancelled.\n",
			counts["built"], counts["unchanged"], counts["failed"], counts["removed"], counts["cancelled"])
		fmt.Fprintln(w, "Finished variants are recorded in isos.lock.hcl; run isoforge apply again to build the rest.")
		return
	}
	if !built && err == nil {
		fmt.Fprintf(w, "Nothing to build: no container was started. %d unchanged, %d removed.\n", counts["unchanged"], counts["removed"])
		return
	}
	fmt.Fprintf(w, "\nApply complete: %d built, %d unchanged, %d failed, %d removed.\n",
		counts["built"], counts["unchanged"], counts["failed"], counts["removed"])
	for _, r := range rs {
		if r.Err != nil {
			fmt.Fprintf(w, "\n%s: %v\n", r.Variant, r.Err)
		}
	}
	if err != nil && !errors.Is(err, apply.ErrBuildsFailed) {
		fmt.Fprintf(w, "\nError: %v\n", err)
	}
}

func durationText(r apply.Result) string {
	if r.Duration == 0 {
		return "-"
	}
	return r.Duration.Round(100 * time.Millisecond).String()
}

func humanSize(n int64) string {
	switch {
	case n == 0:
		return "-"
	case n < 1<<20:
		return fmt.Sprintf("%.1f KiB", float64(n)/1024)
	case n < 1<<30:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
}

func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	return sum
}
