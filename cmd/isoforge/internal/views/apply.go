package views

import (
	"context"
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

// Apply shows an apply run. Plan comes first, then Events from several
// goroutines, then Summary once.
type Apply interface {
	Plan(pl *plan.Plan, skipped []string)
	Event(apply.Event)
	Summary(rs []apply.Result, err error)
}

// ApplyOptions tune the apply views.
type ApplyOptions struct {
	// Estimates are the previous build durations by variant, for the ETA.
	Estimates map[string]time.Duration
	// Version is isoforge's version, for the JSON stream's first message.
	Version string
}

// NewApply picks the JSON, live (terminal) or plain (CI log) view.
func NewApply(v *View, asJSON bool, o ApplyOptions) Apply {
	switch {
	case asJSON:
		return NewApplyJSON(v.Out, o.Version)
	case v.Interactive():
		return newLive(v, o)
	}
	return &plainApply{v: v}
}

// plainApply writes one prefixed line per event, for CI logs.
type plainApply struct {
	mu sync.Mutex
	v  *View
}

func (p *plainApply) Plan(pl *plan.Plan, skipped []string) {
	PlanHuman(p.v.Out, pl, false)
	warnSkipped(p.v, skipped)
	fmt.Fprintln(p.v.Out)
}

func (p *plainApply) Event(e apply.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if line := eventLine(e); line != "" {
		fmt.Fprintf(p.v.Out, "[%s] %s\n", e.Variant, line)
	}
}

func (p *plainApply) Summary(rs []apply.Result, err error) { summary(p.v, rs, err) }

// warnSkipped says which variants -target left out, as Terraform warns
// that a targeted plan may be incomplete.
func warnSkipped(v *View, skipped []string) {
	if len(skipped) == 0 {
		return
	}
	v.Warning(SkippedWarning(skipped))
}

// SkippedWarning is the warning a -target run prints.
func SkippedWarning(skipped []string) string {
	return fmt.Sprintf("-target skipped %s: %s", Plural(len(skipped), "other variant"), strings.Join(skipped, ", "))
}

// eventLine is an event as one line of text, or "" for events the human
// views do not show: Nix's transient SQLite-busy warnings stay in the
// build log only.
func eventLine(e apply.Event) string {
	switch e.Type {
	case apply.EventStart:
		return "building: " + strings.Join(e.Reasons, "; ")
	case apply.EventLog:
		if IsTransientNixWarning(e.Line) {
			return ""
		}
		return e.Line
	case apply.EventDone:
		return fmt.Sprintf("built %s (%s, sha256 %s) in %s", e.Artifact, HumanSize(e.Size), short(e.SHA256), roundDuration(e.Duration))
	case apply.EventFailed:
		return fmt.Sprintf("failed after %s (details below; log: %s)", roundDuration(e.Duration), e.LogPath)
	case apply.EventCancelled:
		return fmt.Sprintf("cancelled after %s", roundDuration(e.Duration))
	}
	return ""
}

// IsTransientNixWarning matches Nix's "warning: SQLite database '…' is
// busy", printed while parallel builds share one store and harmless.
func IsTransientNixWarning(line string) bool {
	return strings.Contains(line, "SQLite database") && strings.Contains(line, "is busy")
}

// ResultWord is a result's one-word outcome.
func ResultWord(r apply.Result) string {
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

// summary prints the results table and the outcome. A failed apply ends
// with `Error:` blocks on stderr, one per failure, never with "complete";
// an error before any build (a missing image) prints no table at all.
func summary(v *View, rs []apply.Result, err error) {
	rs = slices.Clone(rs)
	slices.SortFunc(rs, func(a, b apply.Result) int { return strings.Compare(a.Variant, b.Variant) })
	counts := map[string]int{}
	worked := false
	for _, r := range rs {
		counts[ResultWord(r)]++
		worked = worked || r.Built || r.Err != nil
	}
	fatal := err != nil && !errors.Is(err, apply.ErrBuildsFailed) && !errors.Is(err, context.Canceled)
	if worked {
		writeTable(v.Out, rs)
	}
	writeOutcome(v.Out, counts, worked, fatal, err)
	for _, r := range rs {
		if ResultWord(r) == "failed" {
			fmt.Fprintln(v.Err)
			v.ErrorBlock(fmt.Sprintf("variant %s failed", r.Variant), failureDetail(r))
		}
	}
	if fatal {
		fmt.Fprintln(v.Err)
		v.Error(err)
	}
}

// writeOutcome prints the closing line of an apply; a fatal error before
// any build prints none (the Error: block says it all).
func writeOutcome(w io.Writer, counts map[string]int, worked, fatal bool, err error) {
	switch {
	case counts["failed"] == 0 && (counts["cancelled"] > 0 || errors.Is(err, context.Canceled)):
		fmt.Fprintf(w, "\nApply interrupted: %d built, %d unchanged, %d failed, %d removed, %d cancelled.\n",
			counts["built"], counts["unchanged"], counts["failed"], counts["removed"], counts["cancelled"])
		fmt.Fprintln(w, "Finished variants are recorded in isos.lock.hcl; run isoforge apply again to build the rest.")
	case fatal && !worked:
		// Nothing ran: the error alone says it all.
	case !worked && err == nil:
		fmt.Fprintf(w, "Nothing to build: no container was started. %d unchanged, %d removed.\n", counts["unchanged"], counts["removed"])
	case err == nil:
		fmt.Fprintf(w, "\nApply complete: %d built, %d unchanged, %d removed.\n", counts["built"], counts["unchanged"], counts["removed"])
	default:
		// Builds cancelled by -on-error=abort are counted, not blamed.
		cancelled := ""
		if counts["cancelled"] > 0 {
			cancelled = fmt.Sprintf(", %d cancelled", counts["cancelled"])
		}
		fmt.Fprintf(w, "\nApply failed: %d built, %d unchanged, %d failed, %d removed%s.\n",
			counts["built"], counts["unchanged"], counts["failed"], counts["removed"], cancelled)
	}
}

func failureDetail(r apply.Result) string {
	var lines []string
	for _, l := range strings.Split(r.Err.Error(), "\n") {
		if !IsTransientNixWarning(l) {
			lines = append(lines, l)
		}
	}
	detail := strings.Join(lines, "\n")
	if r.LogPath != "" && !strings.Contains(detail, r.LogPath) {
		detail += "\nFull log: " + r.LogPath
	}
	return detail
}

// writeTable prints the variants an apply worked on, columns as wide as
// their content. A failed or cancelled build lists no artifact: it wrote
// none.
func writeTable(w io.Writer, rs []apply.Result) {
	rows := [][]string{{"VARIANT", "RESULT", "ARTIFACT", "SIZE", "DURATION"}}
	for _, r := range rs {
		if r.Kind == plan.NoOp {
			continue
		}
		artifact, size := r.Artifact, HumanSize(r.Size)
		if !r.Built {
			artifact, size = "-", "-"
		}
		rows = append(rows, []string{spec.Printable(r.Variant), ResultWord(r), spec.Printable(artifact), size, durationText(r.Duration)})
	}
	widths := make([]int, 5)
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], len(c))
		}
	}
	fmt.Fprintln(w)
	for _, row := range rows {
		fmt.Fprintf(w, "%-*s  %-*s  %-*s  %*s  %*s\n", widths[0], row[0], widths[1], row[1], widths[2], row[2], widths[3], row[3], widths[4], row[4])
	}
}

func durationText(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return roundDuration(d).String()
}

func roundDuration(d time.Duration) time.Duration {
	if d >= time.Minute {
		return d.Round(time.Second)
	}
	return d.Round(100 * time.Millisecond)
}

// HumanSize writes a byte count in KiB, MiB or GiB.
func HumanSize(n int64) string {
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
