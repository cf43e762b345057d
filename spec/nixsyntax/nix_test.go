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
	"strconv"
	"strings"
	"sync"
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
	stdout string // the printed expression when ok
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
			t.Log("nix-instantiate not found and ISOFORGE_SKIP_NIX_EVAL=1: skipping the comparison with the real Nix (recorded verdicts and positions are still checked)")
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
	r := o.run(o.dir, files...)
	if !r.ok && r.pos == "" && !strings.Contains(r.stderr, "error:") {
		t.Fatalf("running nix-instantiate: %s", r.stderr)
	}
	return r
}

// run runs nix-instantiate --parse on files in dir.
func (o *nixOracle) run(dir string, files ...string) nixResult {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, o.bin, append([]string{"--parse"}, files...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NIX_PATH=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return nixResult{stderr: "running nix-instantiate: " + err.Error()}
	}
	r := nixResult{ok: err == nil, stdout: stdout.String(), stderr: stderr.String()}
	if m := nixErrAt.FindAllStringSubmatch(r.stderr, -1); len(m) > 0 {
		last := m[len(m)-1]
		r.pos = last[1] + ":" + last[2]
	}
	return r
}

// parse writes src to a file and parses it with Nix.
func (o *nixOracle) parse(t testing.TB, src []byte) nixResult {
	t.Helper()
	return o.parseAll(t, [][]byte{src})[0]
}

// parseAll parses each snippet with Nix, a few processes at a time (a
// run is mostly process start-up).
func (o *nixOracle) parseAll(t testing.TB, srcs [][]byte) []nixResult {
	t.Helper()
	const workers = 4
	results := make([]nixResult, len(srcs))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		dir := filepath.Join(o.dir, strconv.Itoa(w))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = o.parseIn(dir, srcs[i])
			}
		}()
	}
	for i := range srcs {
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}

// parseIn writes src into dir and parses it with Nix; a failure to run
// Nix at all is reported in the result.
func (o *nixOracle) parseIn(dir string, src []byte) nixResult {
	if err := os.WriteFile(filepath.Join(dir, "snippet.nix"), src, 0o644); err != nil {
		return nixResult{stderr: err.Error()}
	}
	return o.run(dir, "snippet.nix")
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
