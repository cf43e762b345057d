// Command isoforge builds NixOS installer ISOs declared in isos.hcl,
// rebuilding only the variants whose inputs changed.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

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
	ctx, intr, stop := signalContext(stderr)
	defer stop()
	root := newRootCmd(&streams{in: stdin, out: pipeWriter{stdout, intr}, err: stderr, interrupt: intr})
	args, oneDash := normalizeFlags(args)
	root.SetFlagErrorFunc((&flagErrors{oneDash: oneDash}).handle)
	root.SetArgs(args)
	return intr.exitCode(exitCode(root, root.ExecuteContext(ctx), stdout, stderr))
}

func exitCode(root *cobra.Command, err error, stdout, stderr io.Writer) int {
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
