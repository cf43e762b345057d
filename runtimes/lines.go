package runtimes

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// WaitForLogs gives a log stream a moment to deliver its last lines after
// the container exited.
func WaitForLogs(done <-chan struct{}) {
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
}

// CreateContext is the context adapters create a container under:
// cancelling the build does not cancel it. An engine finishes a create
// request whose client stopped waiting, and the adapter would never learn
// the ID of the container to remove it (a cancel 3 ms into Run left one
// behind on both engines). Creating takes milliseconds; the bound only
// caps a hung engine. Adapters check the build's context right after.
func CreateContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 60*time.Second)
}

// RemoveDetached removes a finished or cancelled container with a context
// of its own: removal must outlive the caller's cancellation.
func RemoveDetached(rt Runtime, id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_ = rt.Remove(ctx, id)
}

// Lines turns a byte stream into calls of a LineWriter, one per line.
// Adapters feed it whatever chunks their engine's log stream delivers.
type Lines struct {
	mu     sync.Mutex
	stream string
	out    LineWriter
	buf    []byte
}

// NewLines returns a writer for one stream ("stdout" or "stderr").
func NewLines(stream string, out LineWriter) *Lines {
	return &Lines{stream: stream, out: out}
}

// Write implements io.Writer.
func (l *Lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		l.emit(l.buf[:i])
		l.buf = l.buf[i+1:]
	}
	// A builder printing without newlines must not grow memory: emit
	// overlong lines in pieces.
	for len(l.buf) >= MaxLineBytes {
		l.emit(l.buf[:MaxLineBytes])
		l.buf = l.buf[MaxLineBytes:]
	}
	return len(p), nil
}

// Flush emits a last line that had no newline.
func (l *Lines) Flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) > 0 {
		l.emit(l.buf)
		l.buf = nil
	}
}

func (l *Lines) emit(line []byte) {
	if l.out != nil {
		l.out(l.stream, printableLine(bytes.TrimRight(line, "\r")))
	}
}

// MaxLineBytes is the longest line handed to a LineWriter.
const MaxLineBytes = 64 << 10

// printableLine escapes control characters other than tab (as \x1b or
// \u009b) and invalid UTF-8: builder output comes from a nix body, which
// is arbitrary code, and goes to the user's terminal and log files, where
// escape sequences could rewrite the screen or forge isoforge's messages.
func printableLine(b []byte) string {
	clean := true
	for _, r := range string(b) {
		if r == utf8.RuneError || (r != '\t' && (r < 0x20 || (r >= 0x7f && r < 0xa0))) {
			clean = false
			break
		}
	}
	if clean {
		return string(b)
	}
	var sb strings.Builder
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&sb, "\\x%02x", b[i])
		case r != '\t' && r < 0x20, r == 0x7f:
			fmt.Fprintf(&sb, "\\x%02x", r)
		case r >= 0x80 && r < 0xa0:
			fmt.Fprintf(&sb, "\\u%04x", r)
		default:
			sb.WriteRune(r)
		}
		i += n
	}
	return sb.String()
}
