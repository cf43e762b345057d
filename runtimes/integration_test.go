package runtimes_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/isoforge/isoforge/runtimes"
	_ "github.com/isoforge/isoforge/runtimes/docker"
	_ "github.com/isoforge/isoforge/runtimes/podman"
	"github.com/isoforge/isoforge/runtimes/runtimetest"
)

func runID() string {
	b := make([]byte, 4)
	rand.Read(b)
	return "it-" + hex.EncodeToString(b)
}

// lines collects output with the time each line arrived.
type lines struct {
	mu    sync.Mutex
	text  []string
	times []time.Time
}

func (l *lines) write(_, line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.text = append(l.text, line)
	l.times = append(l.times, time.Now())
}

func shellSpec(t testing.TB, script string) runtimes.ContainerSpec {
	id := runID()
	return runtimes.ContainerSpec{
		Name: "isoforge-" + id, Image: runtimetest.BuilderImage(t), Command: []string{"/bin/sh", "-c", script},
		Labels: map[string]string{runtimes.LabelRun: id, runtimes.LabelVariant: "it"},
	}
}

func eachEngine(t *testing.T, fn func(t *testing.T, e runtimetest.Engine, rt runtimes.Runtime)) {
	for _, e := range runtimetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) { fn(t, e, runtimetest.Open(t, e)) })
	}
}

func TestInfo(t *testing.T) {
	eachEngine(t, func(t *testing.T, e runtimetest.Engine, rt runtimes.Runtime) {
		info, err := rt.Info(context.Background())
		if err != nil || info.Engine != e.Name || info.Version == "" || info.APIVersion == "" {
			t.Fatalf("info = %+v, %v", info, err)
		}
		t.Logf("%s %s (API %s) at %s", info.Engine, info.Version, info.APIVersion, info.Endpoint)
	})
}

func TestRunStreamsLogsAndReturnsExitCode(t *testing.T) {
	eachEngine(t, func(t *testing.T, e runtimetest.Engine, rt runtimes.Runtime) {
		var out lines
		start := time.Now()
		code, err := rt.Run(context.Background(), shellSpec(t, "echo one; echo two >&2; sleep 2; echo three; exit 3"), out.write)
		end := time.Now()
		if err != nil || code != 3 {
			t.Fatalf("code %d, err %v", code, err)
		}
		got := append([]string(nil), out.text...)
		sort.Strings(got)
		if strings.Join(got, ",") != "one,three,two" {
			t.Fatalf("lines = %q, want one, two (stderr) and three", out.text)
		}
		if end.Sub(out.times[0]) < time.Second {
			t.Errorf("first line arrived %v before the end: logs were not streamed", end.Sub(out.times[0]))
		}
		t.Logf("first line after %v, exit after %v", out.times[0].Sub(start), end.Sub(start))
		assertGone(t, rt)
	})
}

// assertGone checks that no test container is left.
func assertGone(t *testing.T, rt runtimes.Runtime) {
	t.Helper()
	left, err := rt.Containers(context.Background(), map[string]string{runtimes.LabelVariant: "it"})
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("containers left behind: %+v", left)
	}
}

func TestCancelRemovesContainer(t *testing.T) {
	eachEngine(t, func(t *testing.T, e runtimetest.Engine, rt runtimes.Runtime) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(1500*time.Millisecond, cancel)
		var out lines
		start := time.Now()
		_, err := rt.Run(ctx, shellSpec(t, "echo started; sleep 300"), out.write)
		took := time.Since(start)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if took > 11500*time.Millisecond {
			t.Errorf("cancel took %v to return", took)
		}
		assertGone(t, rt)
		t.Logf("cancelled and removed %v after the cancel", took-1500*time.Millisecond)
	})
}

// TestCancelAtAnyMomentRemovesContainer cancels Run at moments spread
// over creating, copying in and starting, where an engine may finish a
// request after the client stopped waiting for its answer. Whenever Run
// returns, no container of it may be left.
func TestCancelAtAnyMomentRemovesContainer(t *testing.T) {
	eachEngine(t, func(t *testing.T, e runtimetest.Engine, rt runtimes.Runtime) {
		rounds := 20 // the leak showed by round 4 on both engines
		for i := range rounds {
			cs := shellSpec(t, "sleep 300")
			cs.CopyIn = oneFileTar("in/x", strings.Repeat("x", 64<<10))
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(time.Duration(i)*3*time.Millisecond, cancel)
			_, err := rt.Run(ctx, cs, func(string, string) {})
			cancel()
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("round %d: err = %v, want context.Canceled", i, err)
			}
			assertGone(t, rt)
			if t.Failed() {
				t.Fatalf("round %d: cancelled %v after the call", i, time.Duration(i)*3*time.Millisecond)
			}
		}
	})
}

func TestBindsAndSeededVolume(t *testing.T) {
	eachEngine(t, func(t *testing.T, e runtimetest.Engine, rt runtimes.Runtime) {
		vol := "isoforge-test-" + runID()
		t.Cleanup(func() { runtimetest.RemoveVolume(e, vol) })
		if created, err := rt.EnsureVolume(context.Background(), vol); err != nil || !created {
			t.Fatalf("created %v, err %v", created, err)
		}
		if created, _ := rt.EnsureVolume(context.Background(), vol); created {
			t.Fatal("an existing volume was reported as created")
		}
		src, work := t.TempDir(), t.TempDir()
		os.WriteFile(src+"/in.txt", []byte("hello"), 0o644)
		cs := shellSpec(t, "cat /nix/var/isoforge/seed; cat /src/in.txt; echo; touch /src/x 2>/dev/null && echo src-writable; echo out > /work/out.txt")
		cs.Binds = []runtimes.Bind{{Source: src, Target: "/src", ReadOnly: true}, {Source: work, Target: "/work"}}
		cs.Volumes = []runtimes.VolumeMount{{Name: vol, Target: "/nix"}}
		var out lines
		code, err := rt.Run(context.Background(), cs, out.write)
		if err != nil || code != 0 {
			t.Fatalf("code %d err %v, output %q", code, err, out.text)
		}
		got := strings.Join(out.text, "\n")
		if !strings.Contains(got, "seeded from the test builder image") {
			t.Errorf("a new volume was not seeded from the image's /nix: %q", got)
		}
		if !strings.Contains(got, "hello") || strings.Contains(got, "src-writable") {
			t.Errorf("read-only bind not honoured: %q", got)
		}
		if b, _ := os.ReadFile(work + "/out.txt"); string(b) != "out\n" {
			t.Errorf("writable bind: %q", b)
		}
	})
}

func TestMissingImageIsOneClearError(t *testing.T) {
	eachEngine(t, func(t *testing.T, e runtimetest.Engine, rt runtimes.Runtime) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		err := rt.EnsureImage(ctx, "localhost:1/isoforge-no-such-image:0")
		var ie *runtimes.ImageError
		if !errors.As(err, &ie) {
			t.Fatalf("err = %v, want an ImageError", err)
		}
		msg := err.Error()
		if !strings.Contains(msg, e.Name) || !strings.Contains(msg, "isoforge-no-such-image") {
			t.Errorf("message does not name the engine and image: %s", msg)
		}
		t.Log(msg)
	})
}

func TestUnreachableSocket(t *testing.T) {
	for _, name := range []string{"podman", "docker"} {
		t.Run(name, func(t *testing.T) {
			_, err := runtimes.Open(context.Background(), name, runtimes.Endpoint{Host: "unix:///nonexistent/isoforge.sock"})
			if !errors.Is(err, runtimes.ErrUnreachable) || !strings.Contains(err.Error(), "/nonexistent/isoforge.sock") {
				t.Fatalf("err = %v", err)
			}
			if strings.Count(strings.TrimSpace(err.Error()), "\n") > 0 {
				t.Errorf("want one line, got:\n%s", err)
			}
		})
	}
}

func TestMemoryLimit(t *testing.T) {
	eachEngine(t, func(t *testing.T, e runtimetest.Engine, rt runtimes.Runtime) {
		cs := shellSpec(t, "cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes")
		cs.MemoryBytes = 600 << 20
		var out lines
		if code, err := rt.Run(context.Background(), cs, out.write); err != nil || code != 0 {
			t.Fatalf("code %d err %v %q", code, err, out.text)
		}
		if len(out.text) == 0 || out.text[0] != "629145600" {
			t.Errorf("memory limit inside the container = %q, want 629145600", out.text)
		}
	})
}
