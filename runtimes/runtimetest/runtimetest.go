// Package runtimetest finds what integration tests need: the real
// Podman and Docker services that scripts/test-env.sh starts, the TEST
// DOUBLE builder image it builds from testdata/builder, and the
// miniature nixpkgs stand-in. Only tests import it.
package runtimetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/isoforge/isoforge/runtimes"
)

// Engine is a real engine to test against.
type Engine struct {
	Name string
	Host string
}

// SkipEnv set to 1 skips integration tests, with the reason logged.
const SkipEnv = "ISOFORGE_SKIP_INTEGRATION"

// Engines returns the engines scripts/test-env.sh started. Integration
// tests are never skipped silently: without the environment they fail,
// unless ISOFORGE_SKIP_INTEGRATION=1 says to skip.
func Engines(t testing.TB) []Engine {
	t.Helper()
	if os.Getenv(SkipEnv) == "1" {
		t.Skip(SkipEnv + "=1: skipping integration tests against real Podman and Docker")
	}
	var out []Engine
	for _, e := range []struct{ name, env string }{{"podman", "ISOFORGE_TEST_PODMAN_HOST"}, {"docker", "ISOFORGE_TEST_DOCKER_HOST"}} {
		if h := os.Getenv(e.env); h != "" {
			out = append(out, Engine{Name: e.name, Host: h})
		}
	}
	if len(out) == 0 {
		t.Fatal("no engine for integration tests: run them through scripts/test-env.sh (it starts Podman and Docker), or set " + SkipEnv + "=1")
	}
	return out
}

// Open connects to an engine and closes it at the end of the test.
func Open(t testing.TB, e Engine) runtimes.Runtime {
	t.Helper()
	rt, err := runtimes.Open(context.Background(), e.Name, e.Host)
	if err != nil {
		t.Fatalf("%s at %s: %v", e.Name, e.Host, err)
	}
	t.Cleanup(func() { rt.Close() })
	return rt
}

// RepoRoot is the repository's root directory.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// BuilderImage is the TEST DOUBLE builder image, tagged with its
// Containerfile's content hash exactly as testdata/builder/build.sh does.
func BuilderImage(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(RepoRoot(), "testdata", "builder", "Containerfile"))
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return "localhost/isoforge-testbuilder:" + hex.EncodeToString(sum[:])[:12]
}

// RemoveVolume deletes a test volume with the engine's own CLI.
func RemoveVolume(e Engine, name string) {
	bin, args := "podman", []string{"--url", e.Host, "volume", "rm", "-f", name}
	if e.Name == "docker" {
		bin, args = "/usr/bin/docker", []string{"-H", e.Host, "volume", "rm", "-f", name}
	}
	_ = exec.Command(bin, args...).Run()
}

// BuildUsersImage is the TEST DOUBLE builder variant with nixos/nix's
// build users (testdata/builder/Containerfile.buildusers), tagged with the
// hash of both Containerfiles exactly as testdata/builder/build.sh does.
func BuildUsersImage(t testing.TB) string {
	t.Helper()
	var both []byte
	for _, name := range []string{"Containerfile", "Containerfile.buildusers"} {
		b, err := os.ReadFile(filepath.Join(RepoRoot(), "testdata", "builder", name))
		if err != nil {
			t.Fatal(err)
		}
		both = append(both, b...)
	}
	sum := sha256.Sum256(both)
	return "localhost/isoforge-testbuilder-buildusers:" + hex.EncodeToString(sum[:])[:12]
}
