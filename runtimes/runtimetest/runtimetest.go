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
	// Identity and KnownHosts are set for the ssh:// engines of the
	// second test host.
	Identity   string
	KnownHosts string
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
	rt, err := runtimes.Open(context.Background(), e.Name, runtimes.Endpoint{Host: e.Host, Identity: e.Identity, KnownHosts: e.KnownHosts})
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

// SSHHost is the second test host scripts/test-host.sh starts: engines
// in their own namespaces, reached over sshd on a veth address.
type SSHHost struct {
	Addr, User, Key, KnownHosts string
	// State holds the engines' pid files (podman.pid, dockerd.pid).
	State   string
	Engines []Engine
}

// RemoteHost returns the second test host, failing (or skipping with
// ISOFORGE_SKIP_INTEGRATION=1) when scripts/test-env.sh did not start it.
func RemoteHost(t testing.TB) SSHHost {
	t.Helper()
	if os.Getenv(SkipEnv) == "1" {
		t.Skip(SkipEnv + "=1: skipping integration tests against the SSH test host")
	}
	h := SSHHost{
		Addr: os.Getenv("ISOFORGE_TEST_SSH_ADDR"), User: os.Getenv("ISOFORGE_TEST_SSH_USER"),
		Key: os.Getenv("ISOFORGE_TEST_SSH_KEY"), KnownHosts: os.Getenv("ISOFORGE_TEST_SSH_KNOWN_HOSTS"),
		State: os.Getenv("ISOFORGE_TEST_SSH_STATE"),
	}
	if h.Addr == "" || h.Key == "" || h.KnownHosts == "" {
		t.Fatal("no SSH test host: run the tests through scripts/test-env.sh (it starts scripts/test-host.sh), or set " + SkipEnv + "=1")
	}
	for _, e := range []struct{ name, env string }{{"podman", "ISOFORGE_TEST_SSH_PODMAN_HOST"}, {"docker", "ISOFORGE_TEST_SSH_DOCKER_HOST"}} {
		if u := os.Getenv(e.env); u != "" {
			h.Engines = append(h.Engines, Engine{Name: e.name, Host: u, Identity: h.Key, KnownHosts: h.KnownHosts})
		}
	}
	return h
}

// Run runs a shell command on the test host with the ssh program, for
// checks made from outside isoforge (inspect, kill).
func (h SSHHost) Run(t testing.TB, command string) string {
	t.Helper()
	out, err := h.Output(command)
	if err != nil {
		t.Fatalf("ssh %s %q: %v\n%s", h.Addr, command, err, out)
	}
	return out
}

// Output is Run for other goroutines than the test's: it returns the
// error instead of failing the test.
func (h SSHHost) Output(command string) (string, error) {
	out, err := exec.Command("ssh", "-i", h.Key, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
		"-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile="+h.KnownHosts,
		h.User+"@"+h.Addr, command).CombinedOutput()
	return string(out), err
}

// CLI is the engine's command line on the test host.
func (e Engine) CLI() string {
	if e.Name == "docker" {
		return "docker -H unix:///run/docker.sock"
	}
	return "podman --url unix:///run/podman/podman.sock"
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
