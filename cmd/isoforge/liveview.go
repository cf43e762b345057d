package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/engine/plan"
)

// liveView keeps one live line per running build at the bottom of the
// terminal (state, elapsed time, last log line) and prints finished
// builds above it.
type liveView struct {
	mu      sync.Mutex
	w       io.Writer
	color   bool
	running map[string]*liveBuild
	drawn   int
	stop    chan struct{}
	done    chan struct{}
}

type liveBuild struct {
	start   time.Time
	last    string
	builder string
}

func newLiveView(w io.Writer, color bool) *liveView {
	v := &liveView{w: w, color: color, running: map[string]*liveBuild{}, stop: make(chan struct{}), done: make(chan struct{})}
	go v.tick()
	return v
}

func (v *liveView) tick() {
	defer close(v.done)
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-v.stop:
			return
		case <-t.C:
			v.mu.Lock()
			v.redraw()
			v.mu.Unlock()
		}
	}
}

func (v *liveView) Plan(pl *plan.Plan) { writePlanHuman(v.w, pl, false); fmt.Fprintln(v.w) }

func (v *liveView) Event(e apply.Event) {
	v.mu.Lock()
	defer v.mu.Unlock()
	switch e.Type {
	case apply.EventStart:
		v.running[e.Variant] = &liveBuild{start: time.Now(), last: "starting builder", builder: e.Builder}
	case apply.EventLog:
		if b := v.running[e.Variant]; b != nil && strings.TrimSpace(e.Line) != "" {
			b.last = e.Line
		}
	case apply.EventRequeued, apply.EventBuilderDown:
		delete(v.running, e.Variant)
		v.clear()
		fmt.Fprintf(v.w, "%s %s: %s\n", v.paint("33", "↻"), e.Variant, eventLine(e))
		v.redraw()
	case apply.EventDone, apply.EventFailed:
		delete(v.running, e.Variant)
		v.clear()
		mark := v.paint("32", "✓")
		if e.Type == apply.EventFailed {
			mark = v.paint("31", "✗")
		}
		fmt.Fprintf(v.w, "%s %s: %s\n", mark, e.Variant, eventLine(e))
		v.redraw()
	}
}

func (v *liveView) Summary(rs []apply.Result, err error) {
	close(v.stop)
	<-v.done
	v.mu.Lock()
	v.clear()
	v.mu.Unlock()
	writeSummary(v.w, rs, err)
}

func (v *liveView) clear() {
	for ; v.drawn > 0; v.drawn-- {
		fmt.Fprint(v.w, "\x1b[1A\x1b[2K")
	}
}

func (v *liveView) redraw() {
	v.clear()
	names := make([]string, 0, len(v.running))
	for n := range v.running {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		b := v.running[n]
		elapsed := time.Since(b.start).Round(time.Second)
		line := fmt.Sprintf("%s %-20s building %6s  %s", v.paint("33", "●"), n, elapsed, b.last)
		if b.builder != apply.DefaultBuilder {
			line = fmt.Sprintf("%s %-20s on %-10s %6s  %s", v.paint("33", "●"), n, b.builder, elapsed, b.last)
		}
		fmt.Fprintln(v.w, truncate(line, terminalWidth()))
		v.drawn++
	}
}

func (v *liveView) paint(code, s string) string {
	if !v.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
