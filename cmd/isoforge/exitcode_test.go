package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// exitCodeCmd is the scripts' `exitcode N PROGRAM [ARGS...]`: it runs
// PROGRAM as exec does and fails unless it exits with exactly N, where
// `! exec` only tells zero from non-zero (plan -detailed-exitcode's 2
// from an error's 1).
func exitCodeCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: %q is not a number", args[0])
	}
	got := 0
	var ee *exec.ExitError
	switch err := ts.Exec(args[1], args[2:]...); {
	case err == nil:
	case errors.As(err, &ee):
		got = ee.ExitCode()
	default:
		ts.Fatalf("%s: %v", args[1], err)
	}
	if got != want {
		ts.Fatalf("%s exited %d, want %d", args[1], got, want)
	}
}

// TestExitCodes pins the documented exit codes, which testscript can
// only tell apart as zero and non-zero.
func TestExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644)
	}
	write("isos.hcl", "nixpkgs { rev = \"0123456789abcdef0123456789abcdef01234567\" }\nvariant \"a\" {\npackages = [\"htop\"]\n}\n")
	wd, _ := os.Getwd()
	code := func(args ...string) int {
		defer os.Chdir(wd) // -chdir changes this test process's directory
		var out, errb bytes.Buffer
		return run(append([]string{"-chdir", dir}, args...), nil, &out, &errb)
	}
	steps := []struct {
		args []string
		want int
	}{
		{[]string{"validate"}, 0},
		{[]string{"fmt", "-check"}, 3},
		{[]string{"fmt"}, 0},
		{[]string{"--fmt-typo"}, 1},
		{[]string{"fmt", "--check"}, 0},
		{[]string{"plan"}, 0},
		{[]string{"plan", "-detailed-exitcode"}, 2},
		{[]string{"validate", "-locked"}, 1},
		{[]string{"render", "nope"}, 1},
	}
	for _, s := range steps {
		if got := code(s.args...); got != s.want {
			t.Errorf("isoforge %v exited %d, want %d", s.args, got, s.want)
		}
	}
	write("isos.hcl", "variant \"a\" { pakages = [] }\n")
	if got := code("validate"); got != 1 {
		t.Errorf("invalid configuration: exit %d, want 1", got)
	}
}
