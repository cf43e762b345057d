package main

import (
	"bytes"
	"context"
	"os"
	"syscall"
	"testing"
)

// The first signal sets the exit code whatever the command returned;
// repeated SIGPIPEs (every write to the closed pipe raises one) change
// nothing.
func TestInterruptionExitCodes(t *testing.T) {
	for _, tc := range []struct {
		sigs []os.Signal
		want int
	}{
		{nil, exitError1},
		{[]os.Signal{os.Interrupt}, exitInterrupted},
		{[]os.Signal{syscall.SIGPIPE, syscall.SIGPIPE, os.Interrupt}, exitSIGPIPE},
		{[]os.Signal{syscall.SIGTERM}, exitSIGTERM},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		var stderr bytes.Buffer
		i := &interruption{cancel: cancel, stderr: &stderr}
		for _, s := range tc.sigs {
			i.stop(s)
		}
		if got := i.exitCode(exitError1); got != tc.want {
			t.Errorf("%v: exit %d, want %d", tc.sigs, got, tc.want)
		}
		if (len(tc.sigs) > 0) != (ctx.Err() != nil) {
			t.Errorf("%v: context cancelled = %v", tc.sigs, ctx.Err() != nil)
		}
		cancel()
	}
}

// A write to a closed pipe stops the run at once, before the asynchronous
// SIGPIPE arrives.
func TestBrokenStdoutInterrupts(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	i := &interruption{cancel: cancel, stderr: &bytes.Buffer{}}
	if _, err := (pipeWriter{w, i}).Write([]byte("x\n")); err == nil {
		t.Fatal("writing to a closed pipe did not fail")
	}
	if i.exitCode(0) != exitSIGPIPE || ctx.Err() == nil {
		t.Errorf("exit %d, cancelled %v: want 141 and cancelled", i.exitCode(0), ctx.Err() != nil)
	}
}
