package views

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/engine/plan"
)

// live is the terminal view of an apply: finished builds scroll above a
// block redrawn in place, which holds a progress line (done/total,
// running, queued, elapsed, ETA) and one line per running or queued
// build. Every line is cut to the terminal's width, read at each redraw,
// so redrawing never scrolls.
type live struct {
	mu        sync.Mutex
	v         *View
	estimates map[string]time.Duration
	started   time.Time
	total     int
	done      int
	queued    []string
	running   map[string]*liveBuild
	drawn     int
	stop      chan struct{}
	stopped   chan struct{}
}

type liveBuild struct {
	start time.Time
	last  string
}

func newLive(v *View, o ApplyOptions) *live {
	l := &live{v: v, estimates: o.Estimates, started: time.Now(), running: map[string]*liveBuild{},
		stop: make(chan struct{}), stopped: make(chan struct{})}
	go l.tick()
	return l
}

func (l *live) tick() {
	defer close(l.stopped)
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			l.mu.Lock()
			l.redraw()
			l.mu.Unlock()
		}
	}
}

func (l *live) Plan(pl *plan.Plan, skipped []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	PlanHuman(l.v.Out, pl, false)
	warnSkipped(l.v, skipped)
	fmt.Fprintln(l.v.Out)
	for _, a := range pl.Actions {
		if a.Builds() {
			l.queued = append(l.queued, a.Variant)
		}
	}
	l.total = len(l.queued)
	l.started = time.Now()
	l.redraw()
}

func (l *live) Event(e apply.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch e.Type {
	case apply.EventStart:
		l.queued = slices.DeleteFunc(l.queued, func(n string) bool { return n == e.Variant })
		l.running[e.Variant] = &liveBuild{start: time.Now(), last: "starting the builder"}
	case apply.EventLog:
		if b := l.running[e.Variant]; b != nil && strings.TrimSpace(e.Line) != "" && !IsTransientNixWarning(e.Line) {
			b.last = Sanitize(e.Line)
		}
	case apply.EventDone, apply.EventFailed, apply.EventCancelled:
		delete(l.running, e.Variant)
		l.done++
		l.clear()
		// A permanent line: wrapped by the view, not cut like the block.
		fmt.Fprintf(l.v.Out, "%s %s: %s\n", l.mark(e.Type), e.Variant, eventLine(e))
		l.redraw()
	}
}

// Interrupted prints the Ctrl-C notice above the live block.
func (l *live) Interrupted() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.clear()
	fmt.Fprintln(l.v.Err, "Interrupted: stopping builds; Ctrl-C again exits at once.")
	l.redraw()
}

func (l *live) mark(t apply.EventType) string {
	switch t {
	case apply.EventFailed:
		return l.v.paint("31", "✗")
	case apply.EventCancelled:
		return l.v.paint("33", "-")
	}
	return l.v.paint("32", "✓")
}

func (l *live) Summary(rs []apply.Result, err error) {
	close(l.stop)
	<-l.stopped
	l.mu.Lock()
	l.clear()
	l.mu.Unlock()
	summary(l.v, rs, err)
}

// clear moves the cursor to the top of the live block and erases it.
func (l *live) clear() {
	if l.drawn == 0 {
		return
	}
	fmt.Fprintf(l.v.Out, "\r\x1b[%dA\x1b[J", l.drawn)
	l.drawn = 0
}

func (l *live) redraw() {
	l.clear()
	if l.total == 0 {
		return
	}
	lines := []string{l.progress()}
	names := make([]string, 0, len(l.running))
	for n := range l.running {
		names = append(names, n)
	}
	slices.Sort(names)
	nameWidth := 0
	for _, n := range append(slices.Clone(names), l.queued...) {
		nameWidth = max(nameWidth, len(n))
	}
	for _, n := range names {
		b := l.running[n]
		lines = append(lines, fmt.Sprintf("%s %-*s building %5s  %s", l.v.paint("33", "●"), nameWidth, n, clock(time.Since(b.start)), b.last))
	}
	for _, n := range l.queued {
		lines = append(lines, fmt.Sprintf("○ %-*s queued", nameWidth, n))
	}
	for _, line := range lines {
		fmt.Fprintln(l.v.Out, l.cut(line))
	}
	l.drawn = len(lines)
}

// progress is the block's first line, e.g.
// "Building: 1/3 done, 1 running, 1 queued; 0:12 elapsed, about 0:30 left".
func (l *live) progress() string {
	s := fmt.Sprintf("Building: %d/%d done, %d running, %d queued; %s elapsed",
		l.done, l.total, len(l.running), len(l.queued), clock(time.Since(l.started)))
	if eta, ok := l.eta(); ok {
		s += ", about " + clock(eta) + " left"
	}
	return s
}

// eta estimates the time left from each unfinished build's previous
// duration (manifest.json), minus what it has run already. Builds never
// built before have no estimate, and then neither has the whole.
func (l *live) eta() (time.Duration, bool) {
	var left time.Duration
	for n, b := range l.running {
		d, ok := l.estimates[n]
		if !ok {
			return 0, false
		}
		left = max(left, d-time.Since(b.start))
	}
	var queued time.Duration
	for _, n := range l.queued {
		d, ok := l.estimates[n]
		if !ok {
			return 0, false
		}
		queued += d
	}
	workers := max(len(l.running), 1)
	return left + queued/time.Duration(workers), true
}

func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// cut shortens a line to one column less than the terminal's width, so
// no line ever wraps; ANSI color sequences take no columns.
func (l *live) cut(s string) string {
	return Truncate(s, l.v.OutWidth()-1)
}

// Truncate cuts s to n visible columns, ending with "…" when it cut.
func Truncate(s string, n int) string {
	if n < 1 {
		return ""
	}
	var b strings.Builder
	cols := 0
	r := []rune(s)
	for i := 0; i < len(r); i++ {
		if r[i] == '\x1b' {
			j := i
			for j < len(r) && r[j] != 'm' {
				j++
			}
			b.WriteString(string(r[i:min(j+1, len(r))]))
			i = j
			continue
		}
		if cols == n-1 && visibleAfter(r[i:]) > 1 {
			b.WriteString("…")
			if strings.Contains(s, "\x1b[") {
				b.WriteString("\x1b[0m")
			}
			return b.String()
		}
		if r[i] == '\t' {
			r[i] = ' '
		}
		b.WriteRune(r[i])
		cols++
	}
	return b.String()
}

// visibleAfter counts the visible runes in r.
func visibleAfter(r []rune) int {
	n := 0
	for i := 0; i < len(r); i++ {
		if r[i] == '\x1b' {
			for i < len(r) && r[i] != 'm' {
				i++
			}
			continue
		}
		n++
	}
	return n
}

// Sanitize drops ANSI escape sequences and control characters from a
// build's output line, which would move the cursor inside the live block.
func Sanitize(s string) string {
	var b strings.Builder
	r := []rune(s)
	for i := 0; i < len(r); i++ {
		switch {
		case r[i] == '\x1b':
			i = skipEscape(r, i)
		case r[i] == '\t':
			b.WriteRune(' ')
		case r[i] < 0x20 || r[i] == 0x7f:
		default:
			b.WriteRune(r[i])
		}
	}
	return strings.TrimSpace(b.String())
}

// skipEscape returns the index of the last rune of the escape sequence
// starting at i: a CSI sequence ends with a byte in 0x40..0x7e.
func skipEscape(r []rune, i int) int {
	if i+1 < len(r) && r[i+1] == '[' {
		for j := i + 2; j < len(r); j++ {
			if r[j] >= 0x40 && r[j] <= 0x7e {
				return j
			}
		}
		return len(r) - 1
	}
	return min(i+1, len(r)-1)
}
