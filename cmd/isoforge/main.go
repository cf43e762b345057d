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
	"strings"
	"sync"
	"syscall"

	"github.com/isoforge/isoforge/cmd/isoforge/internal/views"
	"github.com/spf13/cobra"
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
	code := exitError1
	var ee *exitError
	if errors.As(err, &ee) {
		code, err = ee.code, ee.err
	}
	if err != nil {
		views.New(stdout, stderr, false).Error(withCommandSuggestion(root, err))
	}
	return code
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

// withCommandSuggestion adds a one-line did-you-mean to cobra's unknown
// command error (its own suggestion text spans several lines).
func withCommandSuggestion(root *cobra.Command, err error) error {
	name, ok := strings.CutPrefix(err.Error(), "unknown command \"")
	if !ok {
		return err
	}
	name, _, _ = strings.Cut(name, "\"")
	if s := root.SuggestionsFor(name); len(s) > 0 {
		return fmt.Errorf("%w; did you mean %s?", err, strings.Join(s, " or "))
	}
	return fmt.Errorf("%w; run 'isoforge -help' for the commands", err)
}
