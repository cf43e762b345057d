package views

import (
	"fmt"
	"sync"
	"time"

	"github.com/isoforge/isoforge/engine/vmtest"
)

// Test shows isoforge test and apply -test: a line per VM event (the
// live line of apply's view shows the latest), or NDJSON messages.
type Test interface {
	Event(vmtest.Event)
	// Summary ends the output and returns how many tests failed.
	Summary([]vmtest.Result, time.Duration) int
}

// NewTest returns the human view, or with stream the JSON view writing
// into that NDJSON stream (isoforge test -json starts its own stream;
// apply -test -json shares apply's).
func NewTest(v *View, stream *ApplyJSON) Test {
	if stream != nil {
		return &testJSON{a: stream}
	}
	return &testHuman{v: v}
}

// testCounts tallies outcomes; "not built" variants count as skipped.
func testCounts(rs []vmtest.Result) (passed, failed, skipped int) {
	for _, r := range rs {
		switch r.Outcome {
		case vmtest.Passed:
			passed++
		case vmtest.Failed:
			failed++
		default:
			skipped++
		}
	}
	return passed, failed, skipped
}

type testHuman struct {
	mu sync.Mutex
	v  *View
}

func (h *testHuman) Event(e vmtest.Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintf(h.v.Out, "[%s] %s\n", e.Variant, TestEventLine(e))
}

// TestEventLine is one VM event in words, for the human views.
func TestEventLine(e vmtest.Event) string {
	r := e.Result
	switch {
	case e.Phase == "booting":
		return "booting (" + e.Detail + ")"
	case e.Phase == "ssh up":
		return "ssh up after " + e.Detail
	case r != nil && r.Outcome == vmtest.Passed:
		return fmt.Sprintf("passed in %s (boot to ssh %s)", Elapsed(r.Duration), Elapsed(r.Boot))
	case r != nil && r.Outcome == vmtest.Failed:
		return "FAILED: " + r.Err.Error()
	case r != nil:
		return "skipped: " + r.Err.Error()
	case e.Detail != "":
		return e.Phase + ": " + e.Detail
	}
	return e.Phase
}

func (h *testHuman) Summary(rs []vmtest.Result, total time.Duration) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, r := range rs {
		// Variants that never reached a VM (not built) are said here.
		if r.Outcome == vmtest.Skipped && r.Duration == 0 {
			fmt.Fprintf(h.v.Out, "[%s] skipped: %v\n", r.Variant, r.Err)
		}
	}
	p, f, s := testCounts(rs)
	fmt.Fprintf(h.v.Out, "\nTest complete: %d passed, %d failed, %d skipped in %s.\n", p, f, s, Elapsed(total))
	return f
}

// Elapsed prints 1m02s, 9s or 0.4s.
func Elapsed(d time.Duration) string {
	switch {
	case d >= time.Minute:
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	case d >= time.Second:
		return fmt.Sprintf("%ds", int(d.Round(time.Second)/time.Second))
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// testJSON writes "test_progress" per VM phase, "test" per variant as it
// ends and a final "test_summary" (docs/json.md).
type testJSON struct{ a *ApplyJSON }

type testMsg struct {
	message
	Variant     string  `json:"variant"`
	Result      string  `json:"result"`
	Error       string  `json:"error"`
	BootSeconds float64 `json:"boot_seconds"`
	Accel       string  `json:"accel"`
	Log         string  `json:"log"`
}

func (j *testJSON) Event(e vmtest.Event) {
	if e.Result != nil {
		j.result(*e.Result)
		return
	}
	level := "info"
	if e.Phase == "warning" {
		level = "warn"
	}
	j.a.put(struct {
		message
		Variant string `json:"variant"`
		Phase   string `json:"phase"`
		Detail  string `json:"detail"`
	}{head(level, e.Variant+": "+TestEventLine(e), "test_progress", time.Now()), e.Variant, e.Phase, e.Detail})
}

func (j *testJSON) result(r vmtest.Result) {
	m := testMsg{Variant: r.Variant, Result: r.Outcome, BootSeconds: r.Boot.Seconds(), Accel: r.Accel, Log: r.LogPath}
	level := "info"
	if r.Err != nil {
		m.Error = r.Err.Error()
	}
	if r.Outcome == vmtest.Failed {
		level = "error"
	}
	m.message = head(level, r.Variant+": "+TestEventLine(ResultEvent(r)), "test", time.Now())
	j.a.put(m)
}

// ResultEvent wraps a result as its final event.
func ResultEvent(r vmtest.Result) vmtest.Event {
	return vmtest.Event{Variant: r.Variant, Phase: r.Outcome, Result: &r}
}

func (j *testJSON) Summary(rs []vmtest.Result, total time.Duration) int {
	for _, r := range rs {
		if r.Outcome == vmtest.Skipped && r.Duration == 0 {
			j.result(r)
		}
	}
	p, f, s := testCounts(rs)
	level := "info"
	if f > 0 {
		level = "error"
	}
	j.a.put(struct {
		message
		Passed       int     `json:"passed"`
		Failed       int     `json:"failed"`
		Skipped      int     `json:"skipped"`
		TotalSeconds float64 `json:"total_seconds"`
	}{head(level, fmt.Sprintf("Test complete: %d passed, %d failed, %d skipped in %s.", p, f, s, Elapsed(total)), "test_summary", time.Now()), p, f, s, total.Seconds()})
	return f
}
