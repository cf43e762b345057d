package main

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// progressBar draws one self-overwriting line on a terminal, at most ten
// times a second; elsewhere (CI logs) it stays silent.
type progressBar struct {
	mu    sync.Mutex
	w     io.Writer
	label string
	on    bool
	last  time.Time
	drawn bool
}

func newProgressBar(w io.Writer, label string) *progressBar {
	return &progressBar{w: w, label: label, on: isTerminal(w)}
}

func (b *progressBar) update(done, total int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.on || time.Since(b.last) < 100*time.Millisecond {
		return
	}
	b.last, b.drawn = time.Now(), true
	const width = 30
	mib := float64(done) / (1 << 20)
	if total <= 0 {
		fmt.Fprintf(b.w, "\r%s: downloading %.1f MiB", b.label, mib)
		return
	}
	n := int(int64(width) * min(done, total) / total)
	fmt.Fprintf(b.w, "\r%s: [%s%s] %.1f/%.1f MiB", b.label, strings.Repeat("=", n), strings.Repeat(" ", width-n), mib, float64(total)/(1<<20))
}

func (b *progressBar) done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.drawn {
		fmt.Fprintln(b.w)
	}
}
