package nixsyntax

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// nixOracle runs the real parser, `nix-instantiate --parse` of Debian's
// Nix 2.8, on snippets written into a private directory.
type nixOracle struct {
	bin string
	dir string
}

// nixResult is what nix-instantiate said about one file.
type nixResult struct {
	ok     bool
	pos    string // LINE:COLUMN of the error
	stderr string
}

// newNixOracle finds nix-instantiate. Without it the test fails, unless
// ISOFORGE_SKIP_NIX_EVAL=1, which skips (with a logged reason) the checks
// that need it; the second result is false then.
func newNixOracle(t testing.TB) (*nixOracle, bool) {
	t.Helper()
	bin, err := exec.LookPath("nix-instantiate")
	if err != nil {
		if os.Getenv("ISOFORGE_SKIP_NIX_EVAL") == "1" {
			t.Log("nix-instantiate not found and ISOFORGE_SKIP_NIX_EVAL=1: checking the recorded expectations only, not the real Nix")
			return nil, false
		}
		t.Fatal("nix-instantiate is needed to compare with the real Nix parser: install Debian's nix-bin (scripts/test-env.sh does) or set ISOFORGE_SKIP_NIX_EVAL=1")
	}
	return &nixOracle{bin: bin, dir: t.TempDir()}, true
}

var nixErrAt = regexp.MustCompile(`(?m)^\s+at .*:(\d+):(\d+):?\s*$`)

// parseFiles runs nix-instantiate --parse on files (relative to dir, or
// absolute) with an empty NIX_PATH: <x> search paths are parsed, not
// resolved.
func (o *nixOracle) parseFiles(t testing.TB, files ...string) nixResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, o.bin, append([]string{"--parse"}, files...)...)
	cmd.Dir = o.dir
	cmd.Env = append(os.Environ(), "NIX_PATH=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running nix-instantiate: %v", err)
	}
	r := nixResult{ok: err == nil, stderr: stderr.String()}
	if m := nixErrAt.FindAllStringSubmatch(r.stderr, -1); len(m) > 0 {
		last := m[len(m)-1]
		r.pos = last[1] + ":" + last[2]
	}
	return r
}

// parse writes src to a file and parses it with Nix.
func (o *nixOracle) parse(t testing.TB, src []byte) nixResult {
	t.Helper()
	if err := os.WriteFile(filepath.Join(o.dir, "snippet.nix"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	return o.parseFiles(t, "snippet.nix")
}

// sharedDir locates ../shared beside the repository (or $ISOFORGE_SHARED);
// "" when it is absent.
func sharedDir(t testing.TB) string {
	if d := os.Getenv("ISOFORGE_SHARED"); d != "" {
		return d
	}
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for ; dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			shared := filepath.Join(dir, "..", "shared")
			if _, err := os.Stat(shared); err == nil {
				return shared
			}
			return ""
		}
	}
	return ""
}

// libFiles lists the .nix files of the nixpkgs lib copy in ../shared;
// nil (with one logged line) when it is absent.
func libFiles(t testing.TB) []string {
	shared := sharedDir(t)
	lib := filepath.Join(shared, "nixpkgs-lib", "lib")
	if _, err := os.Stat(lib); shared == "" || err != nil {
		t.Log("../shared/nixpkgs-lib/lib not found (set ISOFORGE_SHARED): skipping the nixpkgs lib corpus")
		return nil
	}
	var files []string
	err := filepath.WalkDir(lib, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(path) == ".nix" {
			files = append(files, path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// builtinNames lists the attributes of builtins in this Nix.
func (o *nixOracle) builtinNames(t testing.TB) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, o.bin, "--eval", "--strict", "--json", "-E", "builtins.attrNames builtins")
	cmd.Dir = o.dir
	cmd.Env = append(os.Environ(), "NIX_PATH=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("listing builtins with nix-instantiate: %v", err)
	}
	var names []string
	if err := json.Unmarshal(out, &names); err != nil {
		t.Fatalf("listing builtins: %v", err)
	}
	return names
}
