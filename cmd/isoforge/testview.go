package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/isoforge/isoforge/engine/vmtest"
)

// testView shows isoforge test: one line per VM event, or NDJSON.
type testView interface {
	Event(vmtest.Event)
	// Summary ends the output and returns how many tests failed.
	Summary([]vmtest.Result, time.Duration) int
}

func newTestView(s *streams, asJSON bool) testView {
	if asJSON {
		return &jsonTestView{enc: json.NewEncoder(s.out)}
	}
	return &humanTestView{w: s.out}
}

type testCounts struct{ passed, failed, skipped int }

func countTests(rs []vmtest.Result) testCounts {
	var c testCounts
	for _, r := range rs {
		switch r.Outcome {
		case vmtest.Passed:
			c.passed++
		case vmtest.Failed:
			c.failed++
		default:
			c.skipped++
		}
	}
	return c
}

// humanTestView prints "[variant] phase" lines and a closing sentence.
type humanTestView struct {
	mu sync.Mutex
	w  io.Writer
}

func (v *humanTestView) Event(e vmtest.Event) {
	v.mu.Lock()
	defer v.mu.Unlock()
	fmt.Fprintf(v.w, "[%s] %s\n", e.Variant, testEventLine(e))
}

func testEventLine(e vmtest.Event) string {
	r := e.Result
	switch {
	case e.Phase == "booting":
		return "booting (" + e.Detail + ")"
	case e.Phase == "ssh up":
		return "ssh up after " + e.Detail
	case r != nil && r.Outcome == vmtest.Passed:
		return fmt.Sprintf("passed in %s (boot to ssh %s)", elapsed(r.Duration), elapsed(r.Boot))
	case r != nil && r.Outcome == vmtest.Failed:
		return "FAILED: " + r.Err.Error()
	case r != nil:
		return "skipped: " + r.Err.Error()
	case e.Detail != "":
		return e.Phase + ": " + e.Detail
	}
	return e.Phase
}

func (v *humanTestView) Summary(rs []vmtest.Result, total time.Duration) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, r := range rs {
		// Variants that never reached a VM (not built) are said here.
		if r.Outcome == vmtest.Skipped && r.Duration == 0 {
			fmt.Fprintf(v.w, "[%s] skipped: %v\n", r.Variant, r.Err)
		}
	}
	c := countTests(rs)
	fmt.Fprintf(v.w, "\nTest complete: %d passed, %d failed, %d skipped in %s.\n", c.passed, c.failed, c.skipped, elapsed(total))
	return c.failed
}

// elapsed prints 1m02s, 9s or 0.4s.
func elapsed(d time.Duration) string {
	switch {
	case d >= time.Minute:
		return fmt.Sprintf("%dm%02ds", int(d/time.Minute), int(d%time.Minute/time.Second))
	case d >= time.Second:
		return fmt.Sprintf("%ds", int(d.Round(time.Second)/time.Second))
	}
	return fmt.Sprintf("%.1fs", d.Seconds())
}

// jsonTestView: one {"type":"test"} object per variant as it ends, a
// "test_progress" object per VM phase, and a final "test_summary"
// (docs/json.md).
type jsonTestView struct {
	mu  sync.Mutex
	enc *json.Encoder
}

type testEventJSON struct {
	Type        string  `json:"type"`
	Variant     string  `json:"variant"`
	Result      string  `json:"result"`
	Error       string  `json:"error,omitempty"`
	BootSeconds float64 `json:"boot_seconds"`
	Accel       string  `json:"accel,omitempty"`
	Log         string  `json:"log,omitempty"`
}

func (v *jsonTestView) Event(e vmtest.Event) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if e.Result == nil {
		_ = v.enc.Encode(map[string]string{"type": "test_progress", "variant": e.Variant, "phase": e.Phase, "detail": e.Detail})
		return
	}
	_ = v.enc.Encode(testJSON(*e.Result))
}

func testJSON(r vmtest.Result) testEventJSON {
	out := testEventJSON{Type: "test", Variant: r.Variant, Result: r.Outcome, BootSeconds: r.Boot.Seconds(), Accel: r.Accel, Log: r.LogPath}
	if r.Err != nil {
		out.Error = r.Err.Error()
	}
	return out
}

func (v *jsonTestView) Summary(rs []vmtest.Result, total time.Duration) int {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, r := range rs {
		if r.Outcome == vmtest.Skipped && r.Duration == 0 {
			_ = v.enc.Encode(testJSON(r))
		}
	}
	c := countTests(rs)
	_ = v.enc.Encode(map[string]any{"type": "test_summary", "passed": c.passed, "failed": c.failed, "skipped": c.skipped, "total_seconds": total.Seconds()})
	return c.failed
}
