package apply

import (
	"bufio"
	"os"
	"path/filepath"
	"sync"
	"syscall"
)

// tailLines is how many log lines a failure shows.
const tailLines = 15

// buildLog writes a build's output to its log file, keeps the last lines
// for error messages and forwards each line as an event.
type buildLog struct {
	mu      sync.Mutex
	f       *os.File
	w       *bufio.Writer
	tail    []string
	variant string
	o       Options
}

func newBuildLog(path, variant string, o Options) (*buildLog, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	// A fresh file, never through a symlink: removing a link removes the
	// link itself, and O_EXCL|O_NOFOLLOW refuses one created meanwhile.
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o644)
	if err != nil {
		return nil, err
	}
	return &buildLog{f: f, w: bufio.NewWriter(f), variant: variant, o: o}, nil
}

// Line is the runtimes.LineWriter of the build.
func (l *buildLog) Line(stream, line string) {
	l.mu.Lock()
	l.w.WriteString(line)
	l.w.WriteByte('\n')
	l.tail = append(l.tail, line)
	if len(l.tail) > tailLines {
		l.tail = l.tail[len(l.tail)-tailLines:]
	}
	l.mu.Unlock()
	emit(l.o, Event{Type: EventLog, Variant: l.variant, Stream: stream, Line: line})
}

// Tail returns the last lines written.
func (l *buildLog) Tail() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.tail...)
}

func (l *buildLog) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.w.Flush()
	return l.f.Close()
}
