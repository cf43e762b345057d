package views

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// ProgressBar draws one self-overwriting line on a terminal, at most ten
// times a second; elsewhere (CI logs) it stays silent.
type ProgressBar struct {
	mu    sync.Mutex
	w     io.Writer
	label string
	on    bool
	last  time.Time
	drawn bool
}

// NewProgressBar draws on w (stderr) when it is a terminal.
func NewProgressBar(w io.Writer, label string) *ProgressBar {
	return &ProgressBar{w: w, label: label, on: IsTerminal(w)}
}

// Update shows done of total bytes (total <= 0: unknown).
func (b *ProgressBar) Update(done, total int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.on || time.Since(b.last) < 100*time.Millisecond {
		return
	}
	b.last, b.drawn = time.Now(), true
	const width = 30
	mib := float64(done) / (1 << 20)
	line := fmt.Sprintf("%s: downloading %.1f MiB", b.label, mib)
	if total > 0 {
		n := int(int64(width) * min(done, total) / total)
		line = fmt.Sprintf("%s: [%s%s] %.1f/%.1f MiB", b.label, strings.Repeat("=", n), strings.Repeat(" ", width-n), mib, float64(total)/(1<<20))
	}
	// Cut to the terminal: a wrapped line would not be overwritten by \r.
	fmt.Fprintf(b.w, "\r\x1b[K%s", Truncate(line, Width(b.w)-1))
}

// Done ends the line.
func (b *ProgressBar) Done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn {
		fmt.Fprintln(b.w)
	}
}
