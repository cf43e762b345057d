// Command isoforge builds NixOS installer ISOs declared in isos.hcl,
// rebuilding only the variants whose inputs changed.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
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
	root := newRootCmd(&streams{in: stdin, out: pipeWriter{stdout, intr}, err: stderr})
	root.SetArgs(normalizeFlags(root, args))
	return intr.exitCode(exitCode(root.ExecuteContext(ctx), stderr))
}

func exitCode(err error, stderr io.Writer) int {
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
