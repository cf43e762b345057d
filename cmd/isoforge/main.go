// Command isoforge builds NixOS installer ISOs declared in isos.hcl,
// rebuilding only the variants whose inputs changed.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"
)

func main() {
	// A short-lived CLI: trade memory for less garbage collection while
	// parsing large configurations and lockfiles.
	debug.SetGCPercent(400)
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// exitError carries a process exit code out of a command. A nil err means
// the command already reported what happened.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// Exit codes shared by the commands.
const (
	exitOK          = 0
	exitError1      = 1
	exitChanges     = 2 // plan -detailed-exitcode: rebuilds pending
	exitFmtCheck    = 3 // fmt -check: a file would change
	exitInterrupted = 130
)

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	notice := &interruptNotice{say: func() {
		fmt.Fprintln(stderr, "\nInterrupted: stopping builds; Ctrl-C again exits at once.")
	}}
	ctx, stop := signalContext(notice)
	defer stop()
	root := newRootCmd(&streams{in: stdin, out: stdout, err: stderr, interrupt: notice})
	args, oneDash := normalizeFlags(args)
	root.SetFlagErrorFunc((&flagErrors{oneDash: oneDash}).handle)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "Error: %s\n", ee.err)
		}
		return ee.code
	}
	fmt.Fprintf(stderr, "Error: %s\n", err)
	return exitError1
}

// signalContext is cancelled by the first SIGINT or SIGTERM; a second one
// exits at once, as users expect from a build tool.
func signalContext(notice *interruptNotice) (context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case <-ch:
		case <-ctx.Done():
			return
		}
		notice.announce()
		cancel()
		<-ch
		os.Exit(exitInterrupted)
	}()
	return ctx, func() { signal.Stop(ch); cancel() }
}

// interruptNotice says that Ctrl-C was pressed. The live view takes it
// over, so the message lands above its redrawn block instead of in it.
type interruptNotice struct {
	mu  sync.Mutex
	say func()
}

func (n *interruptNotice) set(say func()) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.say = say
}

func (n *interruptNotice) announce() {
	n.mu.Lock()
	say := n.say
	n.mu.Unlock()
	say()
}
