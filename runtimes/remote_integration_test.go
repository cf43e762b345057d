package runtimes_test

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/runtimes/runtimetest"
	"github.com/isoforge/isoforge/runtimes/sshconn"
)

func eachRemote(t *testing.T, fn func(t *testing.T, h runtimetest.SSHHost, e runtimetest.Engine, rt runtimes.Runtime)) {
	h := runtimetest.RemoteHost(t)
	for _, e := range h.Engines {
		t.Run(e.Name, func(t *testing.T) { fn(t, h, e, runtimetest.Open(t, e)) })
	}
}

// oneFileTar is a tar stream holding name with body.
func oneFileTar(name, body string) func(io.Writer) error {
	return func(w io.Writer) error {
		tw := tar.NewWriter(w)
		if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(body))}); err != nil {
			return err
		}
		if _, err := io.WriteString(tw, body); err != nil {
			return err
		}
		return tw.Close()
	}
}

// readTar collects the regular files of a copy-out.
func readTar(into map[string]string) func(io.Reader) error {
	return func(r io.Reader) error {
		tr := tar.NewReader(r)
		for {
			h, err := tr.Next()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			b, err := io.ReadAll(tr)
			if err != nil {
				return err
			}
			if h.Typeflag == tar.TypeReg {
				into[h.Name] = string(b)
			}
		}
	}
}

// TestRemoteCopyInOut: files reach a remote container and come back only
// through the engine API; the container has no mounts of this machine.
func TestRemoteCopyInOut(t *testing.T) {
	eachRemote(t, func(t *testing.T, h runtimetest.SSHHost, e runtimetest.Engine, rt runtimes.Runtime) {
		if rt.SharesHostFS() {
			t.Fatal("an ssh:// engine claims to share this machine's filesystem")
		}
		// The container waits for the inspection to end (/tmp/inspected,
		// created over ssh), so the inspection never races its exit.
		cs := shellSpec(t, "echo ready; for i in $(seq 1 300); do [ -e /tmp/inspected ] && break; sleep 0.1; done; mkdir -p /out && tr a-z A-Z < /isoforge/in/hello.txt > /out/result.txt")
		cs.CopyIn = oneFileTar("isoforge/in/hello.txt", "hello over ssh\n")
		got := map[string]string{}
		cs.CopyOut = []*runtimes.CopyOut{{Path: "/out", Receive: readTar(got)}}
		mounts := make(chan string, 1)
		code, err := rt.Run(context.Background(), cs, func(_, line string) {
			if line == "ready" {
				go func() {
					out, err := h.Output(e.CLI() + " inspect --format '{{range .Mounts}}{{.Type}}:{{.Source}} {{end}}' " + cs.Name +
						"; " + e.CLI() + " exec " + cs.Name + " touch /tmp/inspected")
					if err != nil {
						out = "inspect failed: " + err.Error() + ": " + out
					}
					mounts <- out
				}()
			}
		})
		if err != nil || code != 0 {
			t.Fatalf("code %d, err %v", code, err)
		}
		select {
		case m := <-mounts:
			if m = strings.TrimSpace(m); m != "" {
				t.Errorf("the remote container has mounts %q, want none", m)
			}
		case <-time.After(30 * time.Second):
			t.Error("the remote container was never inspected")
		}
		if got["out/result.txt"] != "HELLO OVER SSH\n" {
			t.Errorf("copied out %q", got)
		}
	})
}

// TestUnknownHostKeyRefused: an empty known_hosts and one with another
// key both stop Open within seconds with a message saying what to do.
func TestUnknownHostKeyRefused(t *testing.T) {
	h := runtimetest.RemoteHost(t)
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty_known_hosts")
	os.WriteFile(empty, nil, 0o600)
	other := filepath.Join(dir, "other_known_hosts")
	// A well-formed ed25519 key that is not the host's.
	os.WriteFile(other, []byte(h.Addr+" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"), 0o600)
	for _, e := range h.Engines {
		for _, kh := range []struct {
			file, want string
			changed    bool
		}{{empty, "ssh-keyscan -p 22 " + h.Addr + " >> " + empty, false}, {other, "differs from the key on line 1 of " + other, true}} {
			t.Run(e.Name+"/"+filepath.Base(kh.file), func(t *testing.T) {
				start := time.Now()
				_, err := runtimes.Open(context.Background(), e.Name, runtimes.Endpoint{Host: e.Host, Identity: h.Key, KnownHosts: kh.file})
				var hk *sshconn.HostKeyError
				if !errors.As(err, &hk) || hk.Changed != kh.changed {
					t.Fatalf("err = %v, want a host key error (changed %v)", err, kh.changed)
				}
				if took := time.Since(start); took > 5*time.Second {
					t.Errorf("refusing took %v", took)
				}
				msg := err.Error()
				if !strings.Contains(msg, kh.want) || !strings.Contains(msg, "SHA256:") {
					t.Errorf("message lacks %q or the fingerprint: %s", kh.want, msg)
				}
				if errors.Is(err, runtimes.ErrUnreachable) {
					t.Error("a refused key is reported as an unreachable engine, so auto would try the next engine")
				}
				t.Log(msg)
			})
		}
	}
}

// TestAutoWithSSHHost: engine "auto" uses -host, over SSH too, and tells
// Podman's socket from Docker's.
func TestAutoWithSSHHost(t *testing.T) {
	h := runtimetest.RemoteHost(t)
	for _, c := range []struct{ host, want string }{
		{"ssh://" + h.User + "@" + h.Addr + ":22/run/podman/podman.sock", "podman"},
		{"ssh://" + h.User + "@" + h.Addr + ":22/run/docker.sock", "docker"},
	} {
		rt, err := runtimes.Open(context.Background(), "auto", runtimes.Endpoint{Host: c.host, Identity: h.Key, KnownHosts: h.KnownHosts})
		if err != nil {
			t.Fatalf("%s: %v", c.host, err)
		}
		if rt.Name() != c.want || rt.SharesHostFS() {
			t.Errorf("%s: opened %s (shares fs %v), want remote %s", c.host, rt.Name(), rt.SharesHostFS(), c.want)
		}
		rt.Close()
	}
}
