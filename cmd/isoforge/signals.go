package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// Exit codes after a signal: 128 + its number, as shells report them.
const (
	exitSIGPIPE = 141 // apply | head: the reader went away
	exitSIGTERM = 143
)

// interruption remembers the first signal that stopped the run, so the
// exit code says so whatever phase the command was in (start-up cleanup,
// planning, building): a cancelled command returns its own error, often
// exit 1, which the signal's code replaces.
type interruption struct {
	mu     sync.Mutex
	sig    os.Signal
	cancel context.CancelFunc
	stderr io.Writer
	// notice, when set, announces the interruption instead of the line
	// on stderr: the live view prints it above its redrawn block.
	notice func()
}

// setNotice hands the announcement to a view.
func (i *interruption) setNotice(f func()) {
	i.mu.Lock()
	defer i.mu.Unlock()
	i.notice = f
}

// stop records s and cancels the run, once; it reports whether s was
// the first signal.
func (i *interruption) stop(s os.Signal) bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.sig != nil {
		return false
	}
	i.sig = s
	if i.notice != nil {
		i.notice()
	} else {
		fmt.Fprintf(i.stderr, "\nInterrupted (%s): stopping builds and cleaning up (press Ctrl-C again to exit at once)...\n", s)
	}
	i.cancel()
	return true
}

// exitCode is the code for the recorded signal, or code when none came.
func (i *interruption) exitCode(code int) int {
	i.mu.Lock()
	defer i.mu.Unlock()
	switch i.sig {
	case nil:
		return code
	case syscall.SIGPIPE:
		return exitSIGPIPE
	case syscall.SIGTERM:
		return exitSIGTERM
	default:
		return exitInterrupted
	}
}

// signalContext is cancelled by the first SIGINT, SIGTERM or SIGPIPE, so
// builds stop and containers and temporary files are removed. SIGPIPE is
// handled like SIGINT: without this, Go dies on a write to a closed stdout
// (`isoforge apply | grep -m1 x`) and leaves its builders running. A
// second SIGINT or SIGTERM exits at once; further SIGPIPEs, which every
// later write to the closed pipe raises, are ignored.
func signalContext(stderr io.Writer) (context.Context, *interruption, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	intr := &interruption{cancel: cancel, stderr: stderr}
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM, syscall.SIGPIPE)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-done:
				return
			case s := <-ch:
				if !intr.stop(s) && s != syscall.SIGPIPE {
					os.Exit(intr.exitCode(exitInterrupted))
				}
			}
		}
	}()
	return ctx, intr, func() { signal.Stop(ch); close(done); cancel() }
}

// pipeWriter is stdout that turns a broken pipe into the SIGPIPE
// interruption at once: the signal itself reaches the handler
// asynchronously, possibly after a short command has finished.
type pipeWriter struct {
	w    io.Writer
	intr *interruption
}

func (p pipeWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	if errors.Is(err, syscall.EPIPE) {
		p.intr.stop(syscall.SIGPIPE)
	}
	return n, err
}

// Fd is the descriptor of the wrapped stdout, so views can ask whether it
// is a terminal; ^0 (no descriptor) when it is not a file.
func (p pipeWriter) Fd() uintptr {
	if f, ok := p.w.(interface{ Fd() uintptr }); ok {
		return f.Fd()
	}
	return ^uintptr(0)
}
