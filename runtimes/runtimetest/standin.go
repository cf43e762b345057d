package runtimetest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// SharedEnv names the directory holding the team's shared test
// dependencies; by default it is ../shared beside the repository.
const SharedEnv = "ISOFORGE_SHARED"

// StandinPath returns the miniature nixpkgs TEST DOUBLE, ready to hand to
// isoforge as a vendored nixpkgs: testdata/nixpkgs-standin with the real
// nixpkgs lib/ (from the shared directory) copied in beside nixos/, so the
// stand-in evaluates with the real lib.evalModules. The copy lives in a
// cache directory under os.TempDir() named by the content hash of both, so
// tests and packages share it and a change to either makes a new one.
//
// Without the shared lib (a user's clone), it logs why and returns the
// stand-in alone, which then falls back to its hand-written evaluator.
func StandinPath(t testing.TB) string {
	t.Helper()
	standin := filepath.Join(RepoRoot(), "testdata", "nixpkgs-standin")
	lib := NixpkgsLib()
	if _, err := os.Stat(filepath.Join(lib, "default.nix")); err != nil {
		t.Logf("nixpkgs stand-in: no real nixpkgs lib at %s (set %s to the shared directory): "+
			"falling back to the stand-in's hand-written evaluator, which accepts any option", lib, SharedEnv)
		return standin
	}
	dir, err := assembleStandin(standin, lib)
	if err != nil {
		t.Fatalf("assembling the nixpkgs stand-in: %v", err)
	}
	return dir
}

// NixpkgsLib is the shared copy of nixpkgs' lib/ directory (it may be
// absent: callers check and say so).
func NixpkgsLib() string {
	shared := os.Getenv(SharedEnv)
	if shared == "" {
		shared = filepath.Join(RepoRoot(), "..", "shared")
	}
	return filepath.Join(shared, "nixpkgs-lib", "lib")
}

// assembleStandin copies standin and lib (as lib/) into a cache directory
// named by their content hash, unless an earlier call already did. The copy
// is made beside the target and renamed into place, so concurrent test
// processes never see a half-written directory.
func assembleStandin(standin, lib string) (string, error) {
	sum := sha256.New()
	if err := hashTree(sum, standin); err != nil {
		return "", err
	}
	if err := hashTree(sum, lib); err != nil {
		return "", err
	}
	dir := filepath.Join(os.TempDir(), "isoforge-nixpkgs-standin-"+hex.EncodeToString(sum.Sum(nil))[:16])
	if _, err := os.Stat(dir); err == nil {
		return dir, nil
	}
	tmp, err := os.MkdirTemp(os.TempDir(), ".isoforge-nixpkgs-standin-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if err := copyTree(standin, tmp); err != nil {
		return "", err
	}
	if err := copyTree(lib, filepath.Join(tmp, "lib")); err != nil {
		return "", err
	}
	// MkdirTemp makes 0700; the builder container reads the copy.
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(dir); statErr == nil {
			return dir, nil // another process won the race with the same content
		}
		return "", err
	}
	return dir, nil
}

// hashTree feeds every regular file's relative path and content to h, in
// the lexical order filepath.WalkDir guarantees.
func hashTree(h io.Writer, root string) error {
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(rel), info.Size())
		_, err = io.Copy(h, f)
		return err
	})
}

// copyTree copies the directories and regular files under src to dst,
// world-readable.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type().IsRegular():
			return copyFile(p, target)
		}
		return nil
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
