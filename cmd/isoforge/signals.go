package main

import (
	"context"
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
	mu  sync.Mutex
	sig os.Signal
}

func (i *interruption) record(s os.Signal) bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.sig != nil {
		return false
	}
	i.sig = s
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
	intr := &interruption{}
	ch := make(chan os.Signal, 4)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM, syscall.SIGPIPE)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case s := <-ch:
				if intr.record(s) {
					fmt.Fprintf(stderr, "\nInterrupted (%s): stopping builds and cleaning up (press Ctrl-C again to exit at once)...\n", s)
					cancel()
					continue
				}
				if s != syscall.SIGPIPE {
					os.Exit(intr.exitCode(exitInterrupted))
				}
			}
		}
	}()
	return ctx, intr, func() { signal.Stop(ch); cancel() }
}
