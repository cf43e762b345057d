package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

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
