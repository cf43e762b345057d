package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/isoforge/isoforge/runtimes/runtimetest"
)

// archiveHost serves nixpkgs archives to builder containers. It listens
// on all host addresses and is reached at the host's first non-loopback
// IPv4 address: a container on the Podman (netavark) or Docker bridge
// routes to it through its gateway and the host delivers it locally, so
// no host network mode is needed and the traffic never leaves this
// machine. The served archive can be swapped, or the host shut down.
type archiveHost struct {
	url     string
	archive atomic.Pointer[[]byte]
	srv     *http.Server
}

func newArchiveHost(t *testing.T, archive []byte) *archiveHost {
	t.Helper()
	l, err := net.Listen("tcp", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &archiveHost{}
	h.archive.Store(&archive)
	h.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(*h.archive.Load())
	})}
	go h.srv.Serve(l)
	t.Cleanup(func() { h.srv.Close() })
	h.url = "http://" + net.JoinHostPort(hostAddr(t), strconv.Itoa(l.Addr().(*net.TCPAddr).Port)) + "/archive"
	return h
}

// hostAddr is an address of this host that containers can reach.
func hostAddr(t *testing.T) string {
	t.Helper()
	ifaces, _ := net.Interfaces()
	for _, i := range ifaces {
		if i.Flags&net.FlagUp == 0 || i.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, _ := i.Addrs()
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil {
				return n.IP.String()
			}
		}
	}
	t.Fatal("no non-loopback IPv4 address for containers to reach the test archive host")
	return ""
}

// tarDir packs a directory as GitHub packs nixpkgs: under one top-level
// directory, with a pax comment first. extra adds a file, to make a
// different archive of the same layout.
func tarDir(t *testing.T, dir, extra string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	tw.WriteHeader(&tar.Header{Typeflag: tar.TypeXGlobalHeader, Name: "pax_global_header", PAXRecords: map[string]string{"comment": "test"}})
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		name := filepath.ToSlash(filepath.Join("nixpkgs-test", rel))
		if d.IsDir() {
			return tw.WriteHeader(&tar.Header{Name: name + "/", Typeflag: tar.TypeDir, Mode: 0o755})
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(b))})
		_, err = tw.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if extra != "" {
		tw.WriteHeader(&tar.Header{Name: "nixpkgs-test/extra", Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(extra))})
		tw.Write([]byte(extra))
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// revRun runs isoforge against an archive host, with a rev pin: no
// ISOFORGE_NIXPKGS_PATH.
func revRun(t *testing.T, e runtimetest.Engine, dir, archives string, args ...string) result {
	t.Helper()
	// apply runs with -json, or with human output when the test passes
	// "-human" (an error is then one line on stderr).
	if len(args) > 0 && args[0] == "apply" {
		human := args[len(args)-1] == "-human"
		if human {
			args = args[:len(args)-1]
		}
		args = append(args, "-runtime", e.Name, "-host", e.Host)
		if !human {
			args = append(args, "-json")
		}
	}
	cmd := exec.Command(isoforgeBin(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "ISOFORGE_IMAGE="+runtimetest.BuilderImage(t), "ISOFORGE_NIXPKGS_ARCHIVES="+archives,
		"NO_COLOR=1", "XDG_CACHE_HOME="+filepath.Join(dir, ".cache-home"))
	cmd.Env = slicesWithout(cmd.Env, "ISOFORGE_NIXPKGS_PATH=")
	return runResult(t, cmd)
}

func slicesWithout(env []string, prefix string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, prefix) {
			out = append(out, kv)
		}
	}
	return out
}

// TestNixpkgsPinnedByContent: lock records the NAR hash Nix computes for
// the archive; a different archive at the same URL fails apply with one
// hash-mismatch line and leaves the artifact alone; an unreachable
// archive host fails the build instead of falling back to the image's
// nixpkgs.
func TestNixpkgsPinnedByContent(t *testing.T) {
	for _, e := range runtimetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			vol := "isoforge-pintest-" + strconv.FormatInt(time.Now().UnixNano(), 36)
			t.Cleanup(func() { runtimetest.RemoveVolume(e, vol) })
			good := tarDir(t, runtimetest.StandinPath(t), "")
			host := newArchiveHost(t, good)
			rev := strings.Repeat("ab", 20)
			src := "nixpkgs { rev = \"" + rev + "\" }\nruntime { nix_volume = \"" + vol + "\" }\nvariant \"a\" { hostname = \"pinned\" }\n"
			os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(src), 0o644)

			if r := revRun(t, e, dir, host.url, "lock"); r.code != 0 {
				t.Fatalf("lock: %s%s", r.stdout, r.stderr)
			}
			want := nixHashPath(t, runtimetest.StandinPath(t))
			lockText, _ := os.ReadFile(filepath.Join(dir, "isos.lock.hcl"))
			if !strings.Contains(string(lockText), `nar_hash = "`+want+`"`) {
				t.Fatalf("the lock does not record nix hash path's %s:\n%s", want, lockText)
			}

			// A different archive for the same URL: one clear line, no artifact.
			bad := tarDir(t, runtimetest.StandinPath(t), "tampered")
			host.archive.Store(&bad)
			r := revRun(t, e, dir, host.url, "apply", "-human")
			if r.code != 1 || !strings.Contains(r.stderr, "does not match nar_hash "+want) || strings.Count(r.stderr, "does not match") != 1 {
				t.Fatalf("a changed archive: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			if _, err := os.Stat(filepath.Join(dir, "out", "a.iso")); err == nil {
				t.Fatal("an artifact was built from a changed archive")
			}
			t.Logf("changed archive: %s", strings.TrimSpace(r.stderr))

			// The right archive again: it builds (no cached bad download).
			host.archive.Store(&good)
			if r := revRun(t, e, dir, host.url, "apply"); r.code != 0 || r.starts != 1 {
				t.Fatalf("apply with the locked archive: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			checkLockMatches(t, dir)
			iso, _ := os.ReadFile(filepath.Join(dir, "out", "a.iso"))

			// Unreachable: a new revision locked, then the host goes away.
			rev2 := strings.Repeat("cd", 20)
			other := tarDir(t, runtimetest.StandinPath(t), "another revision")
			host.archive.Store(&other)
			os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(strings.Replace(src, rev, rev2, 1)), 0o644)
			if r := revRun(t, e, dir, host.url, "lock"); r.code != 0 {
				t.Fatalf("lock of rev2: %s%s", r.stdout, r.stderr)
			}
			// A changed archive while an artifact exists: it stays as built.
			host.archive.Store(&bad)
			r = revRun(t, e, dir, host.url, "apply", "-human")
			if r.code != 1 || strings.Count(r.stderr, "does not match nar_hash") != 1 || r.starts != 0 {
				t.Fatalf("a changed archive of rev2: exit %d, %d builds\n%s\n%s", r.code, r.starts, r.stdout, r.stderr)
			}
			if now, _ := os.ReadFile(filepath.Join(dir, "out", "a.iso")); !bytes.Equal(now, iso) {
				t.Error("a changed archive changed the artifact")
			}

			host.srv.Close()
			r = revRun(t, e, dir, host.url, "apply", "-human")
			if r.code != 1 || !strings.Contains(r.stderr, "fetching nixpkgs from "+host.url) || !strings.Contains(r.stderr, "never falls back") {
				t.Fatalf("an unreachable archive: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
			}
			if r.starts != 0 {
				t.Errorf("%d builds started without nixpkgs", r.starts)
			}
			if now, _ := os.ReadFile(filepath.Join(dir, "out", "a.iso")); !bytes.Equal(now, iso) {
				t.Error("a failed fetch changed the artifact")
			}
			t.Logf("unreachable: %s", strings.TrimSpace(r.stderr))
			assertNoContainers(t, e, dir)
		})
	}
}

// nixHashPath is `nix hash path` of Debian's nix-bin: the reference.
func nixHashPath(t *testing.T, dir string) string {
	t.Helper()
	out, err := exec.Command("nix", "--extra-experimental-features", "nix-command", "hash", "path", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("nix hash path: %v\n%s", err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestSecondImageTagRebuildsNothing: ISOFORGE_IMAGE naming a second tag
// of the test builder image (same image ID) rebuilds nothing.
func TestSecondImageTagRebuildsNothing(t *testing.T) {
	for _, e := range runtimetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			src := "nixpkgs { path = \"unused\" }\nvariant \"tagged\" { hostname = \"tagged\" }\n"
			os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(src), 0o644)
			if r := isoforge(t, e, dir, "apply", "-json"); r.code != 0 || r.starts != 1 {
				t.Fatalf("first apply: exit %d, %d builds\n%s%s", r.code, r.starts, r.stdout, r.stderr)
			}
			second := "localhost/isoforge-testbuilder-mirror:" + strconv.FormatInt(time.Now().UnixNano(), 36)
			tagImage(t, e, runtimetest.BuilderImage(t), second)
			cmd := isoforgeCmd(t, e, dir, "apply", "-json")
			cmd.Env = append(cmd.Env, "ISOFORGE_IMAGE="+second)
			out, err := cmd.CombinedOutput()
			if err != nil || strings.Count(string(out), `"type":"start"`) != 0 {
				t.Fatalf("the second tag rebuilt (%v):\n%s", err, out)
			}
		})
	}
}

// tagImage adds a tag with the engine's CLI and removes only that tag at
// the end of the test.
func tagImage(t *testing.T, e runtimetest.Engine, src, dst string) {
	t.Helper()
	bin, flag := "podman", "--url"
	if e.Name == "docker" {
		bin, flag = "/usr/bin/docker", "-H"
	}
	if out, err := exec.Command(bin, flag, e.Host, "tag", src, dst).CombinedOutput(); err != nil {
		t.Fatalf("%s tag: %v\n%s", bin, err, out)
	}
	t.Cleanup(func() { exec.Command(bin, flag, e.Host, "rmi", dst).Run() })
}
