package apply

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

const (
	// tailLines is how many log lines a failure shows when Nix printed
	// no error block.
	tailLines = 15
	// errorLines caps the Nix error block a failure shows.
	errorLines = 60
)

// buildLog writes a build's output to its log file, keeps the last lines
// and the last Nix error block for error messages, and forwards each line
// as an event. Lines are mapped into the user's terms first.
type buildLog struct {
	mu       sync.Mutex
	f        *os.File
	w        *bufio.Writer
	tail     []string
	errBlock []string
	variant  string
	o        Options
	mapper   *logMapper
	// tcg is set once the TCG fallback warning has been written.
	tcg bool
	// execFormat is set when a builder could not be executed (another
	// architecture without binfmt_misc).
	execFormat bool
}

func newBuildLog(path, variant string, o Options, m *logMapper) (*buildLog, error) {
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
	return &buildLog{f: f, w: bufio.NewWriter(f), variant: variant, o: o, mapper: m}, nil
}

// Line is the runtimes.LineWriter of the build.
func (l *buildLog) Line(stream, line string) {
	line = l.mapper.Line(line)
	l.mu.Lock()
	l.w.WriteString(line)
	l.w.WriteByte('\n')
	l.tail = append(l.tail, line)
	if len(l.tail) > tailLines {
		l.tail = l.tail[len(l.tail)-tailLines:]
	}
	l.collectError(line)
	l.execFormat = l.execFormat || strings.Contains(line, execFormatError)
	warn := !l.tcg && isTCGFallback(line)
	if warn {
		l.tcg = true
		l.w.WriteString(TCGWarning + "\n")
	}
	l.mu.Unlock()
	emit(l.o, Event{Type: EventLog, Variant: l.variant, Stream: stream, Line: line})
	if warn {
		emit(l.o, Event{Type: EventLog, Variant: l.variant, Stream: "stderr", Line: TCGWarning})
	}
}

// collectError keeps the last block that starts with an unindented
// "error:" line, as Nix prints it; the indented lines after it (traces,
// nested errors) belong to it.
func (l *buildLog) collectError(line string) {
	switch {
	case strings.HasPrefix(line, "error:"):
		l.errBlock = []string{line}
	case l.errBlock != nil && (strings.HasPrefix(line, " ") || line == "") && len(l.errBlock) < errorLines:
		l.errBlock = append(l.errBlock, line)
	}
	// Any other line (a builder's own message) is left out of the block,
	// which stays the last error: it is still what failed.
}

// Hint is a sentence explaining a failure isoforge recognised, or "".
func (l *buildLog) Hint() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.execFormat {
		return AArch64Missing
	}
	return ""
}

// Summary is what a failure shows: Nix's last error block, or the last
// lines of output when Nix printed none.
func (l *buildLog) Summary() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.errBlock) > 0 {
		return trimTrailingBlank(append([]string(nil), l.errBlock...))
	}
	return append([]string(nil), l.tail...)
}

func trimTrailingBlank(lines []string) []string {
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func (l *buildLog) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.w.Flush()
	return l.f.Close()
}
