package security_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// secret is in the sentinel tree; no output may ever contain it.
const secret = "SENTINEL-SECRET-4711"

// binary is the isoforge command built once for the package.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "isoforge-security-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "isoforge")
	_, file, _, _ := runtime.Caller(0)
	build := exec.Command("go", "build", "-o", binary, "./cmd/isoforge")
	build.Dir = filepath.Join(filepath.Dir(file), "..")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building isoforge: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// arena is one attack: a repository directory and a sentinel tree
// outside it, hashed before the attack and checked after it.
type arena struct {
	t       *testing.T
	root    string // holds both
	repo    string // the configuration directory
	outside string // the sentinel tree
	before  string
}

func newArena(t *testing.T, isosHCL string) *arena {
	t.Helper()
	root := t.TempDir()
	a := &arena{t: t, root: root, repo: filepath.Join(root, "repo"), outside: filepath.Join(root, "outside")}
	for _, d := range []string{a.repo, filepath.Join(a.outside, "dir")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	a.write(filepath.Join(a.outside, "secret.txt"), secret+"\n")
	a.write(filepath.Join(a.outside, "dir", "keep"), "keep\n")
	a.write(filepath.Join(a.repo, "isos.hcl"), isosHCL)
	if err := os.MkdirAll(filepath.Join(a.repo, "nixpkgs", "nixos"), 0o755); err != nil {
		t.Fatal(err)
	}
	a.write(filepath.Join(a.repo, "nixpkgs", "nixos", "default.nix"), "# TEST DOUBLE: never evaluated by the fake runtime.\n{ ... }: { }\n")
	a.before = hashTree(t, a.outside)
	t.Cleanup(a.checkSentinel)
	return a
}

func (a *arena) write(path, body string) {
	a.t.Helper()
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		a.t.Fatal(err)
	}
}

// checkSentinel fails the test when anything outside the repository changed.
func (a *arena) checkSentinel() {
	if after := hashTree(a.t, a.outside); after != a.before {
		a.t.Errorf("the sentinel tree outside the configuration changed (%s -> %s)", a.before[:12], after[:12])
	}
}

// hashTree hashes names, types, modes and contents under dir, without
// following symlinks.
func hashTree(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %v\n", p, info.Mode())
		if info.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h.Write(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// result is one run of the binary.
type result struct {
	code           int
	stdout, stderr string
}

func (r result) output() string { return r.stdout + r.stderr }

// run runs isoforge in the repository; a run over 60 s is a hang.
func (a *arena) run(args ...string) result {
	a.t.Helper()
	return a.runCmd(nil, args...)
}

func (a *arena) runCmd(setup func(*exec.Cmd), args ...string) result {
	a.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = a.repo
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "GOMEMLIMIT=512MiB")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if setup != nil {
		setup(cmd)
	}
	err := cmd.Run()
	if ctx.Err() != nil {
		a.t.Fatalf("isoforge %v hung (killed after 60 s)", args)
	}
	var ee *exec.ExitError
	code := 0
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		a.t.Fatal(err)
	}
	return result{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// refused asserts a failed run with a diagnostic holding want, no Go
// crash, and no sentinel content in the output.
func refused(t *testing.T, r result, want string) {
	t.Helper()
	out := r.output()
	// Diagnostics are wrapped to the terminal width: match across lines.
	flat := strings.Join(strings.Fields(out), " ")
	if r.code != 1 {
		t.Errorf("exit %d, want 1\n%s", r.code, out)
	}
	if !strings.Contains(flat, want) {
		t.Errorf("output does not say %q:\n%s", want, out)
	}
	for _, crash := range []string{"goroutine ", "stack overflow", "panic:", secret} {
		if bytes.Contains([]byte(out), []byte(crash)) {
			t.Errorf("output holds %q:\n%.2000s", crash, out)
		}
	}
}

// header pins a local nixpkgs inside the repository (newArena writes a
// one-file TEST DOUBLE there), so no attack test reaches the network.
const header = `nixpkgs { path = "nixpkgs" }
`
