package runtimes

import (
	"bytes"
	"context"
	"sync"
	"time"
)

// WaitForLogs gives a log stream a moment to deliver its last lines after
// the container exited.
func WaitForLogs(done <-chan struct{}) {
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
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
		l.out(l.stream, string(bytes.TrimRight(line, "\r")))
	}
}
