package apply

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/isoforge/isoforge/engine/plan"
	"github.com/isoforge/isoforge/engine/workspace"
	"github.com/isoforge/isoforge/runtimes"
	_ "github.com/isoforge/isoforge/runtimes/docker"
	_ "github.com/isoforge/isoforge/runtimes/podman"
	"github.com/isoforge/isoforge/runtimes/runtimetest"
	"github.com/isoforge/isoforge/spec"
)

// inspectScript runs in place of the build, in the exact container the
// build would get, and reports what a hostile nix body could do there.
const inspectScript = `
grep '^NoNewPrivs:' /proc/self/status
echo "pids.max: $(cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max 2>/dev/null)"
if touch /isoforge/src/written 2>/dev/null; then echo "top: writable"; else echo "top: read-only"; fi
if touch /isoforge/src/nested/written 2>/dev/null; then echo "nested: writable"; else echo "nested: read-only"; fi
awk '{print "mount: " $5}' /proc/self/mountinfo | grep -E ' /(isoforge|nix)'
`

// TestIntegrationBuilderIsConfined inspects a running builder on Podman
// and Docker: no-new-privileges, a pids limit, the configuration
// read-only including a file system mounted below it, no bind of any host
// path outside the configuration and work directories, and only
// isoforge's own labelled store volume.
func TestIntegrationBuilderIsConfined(t *testing.T) {
	engines := runtimetest.Engines(t)
	for _, e := range engines {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			nested := filepath.Join(dir, "nested")
			os.Mkdir(nested, 0o755)
			if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "isoforge-test", nested).CombinedOutput(); err != nil {
				t.Fatalf("mounting a tmpfs below the configuration (the test needs root): %v %s", err, out)
			}
			t.Cleanup(func() { exec.Command("umount", nested).Run() })
			a := &Applier{Cfg: &spec.Config{Dir: dir, OutputDir: "out", Runtime: spec.Runtime{
				Image: runtimetest.BuilderImage(t), NixVolume: fmt.Sprintf("isoforge-test-confined-%d", time.Now().UnixNano()),
			}}, Runtime: runtimetest.Open(t, e)}
			t.Cleanup(func() { runtimetest.RemoveVolume(e, a.Cfg.Runtime.NixVolume) })
			ctx := context.Background()
			if _, err := a.Runtime.EnsureVolume(ctx, a.Cfg.Runtime.NixVolume); err != nil {
				t.Fatal(err)
			}
			if err := a.checkVolumeOwner(ctx); err != nil {
				t.Fatal(err)
			}
			work := workspace.WorkDir(dir, "inspect")
			os.MkdirAll(work, 0o755)
			act := plan.Action{Variant: "inspect", Spec: spec.Variant{Format: spec.DefaultFormat}}
			cs, err := a.containerSpec("/nix/store/"+strings.Repeat("0", 32)+"-source", act, work, Options{RunID: "confined"})
			if err != nil {
				t.Fatal(err)
			}
			checkBindSources(t, cs, dir, work)
			cs.Command = []string{"/bin/sh", "-c", inspectScript}
			var mu sync.Mutex
			var lines []string
			code, err := a.Runtime.Run(ctx, cs, func(_, l string) { mu.Lock(); lines = append(lines, l); mu.Unlock() })
			if err != nil || code != 0 {
				t.Fatalf("inspection container: code %d, %v\n%s", code, err, strings.Join(lines, "\n"))
			}
			out := strings.Join(lines, "\n")
			t.Logf("inside the builder:\n%s", out)
			for _, want := range []string{
				"NoNewPrivs:\t1", fmt.Sprintf("pids.max: %d", runtimes.DefaultPidsLimit),
				"top: read-only", "nested: read-only",
			} {
				if !strings.Contains(out, want) {
					t.Errorf("builder: no %q", want)
				}
			}
			checkMounts(t, out)
			if _, err := os.Stat(filepath.Join(nested, "written")); err == nil {
				t.Error("the builder wrote into the file system mounted below the configuration")
			}
			logPlainBind(t, a, cs)
		})
	}
}

// checkBindSources asserts that every host path bound into the builder is
// the configuration directory, a mount below it, or the work directory.
func checkBindSources(t *testing.T, cs runtimes.ContainerSpec, dir, work string) {
	t.Helper()
	for _, b := range cs.Binds {
		inside := b.Source == dir || strings.HasPrefix(b.Source, dir+"/")
		if !inside || (b.Source != work && !b.ReadOnly) {
			t.Errorf("bind %s -> %s (read-only %v) is outside the configuration or writable", b.Source, b.Target, b.ReadOnly)
		}
	}
	if len(cs.Volumes) != 1 || cs.Volumes[0].Target != storeMount {
		t.Errorf("volumes %+v, want only the store volume at %s", cs.Volumes, storeMount)
	}
}

// checkMounts asserts the builder sees exactly the expected mounts under
// /isoforge and /nix.
func checkMounts(t *testing.T, out string) {
	t.Helper()
	var got []string
	seen := map[string]bool{}
	for _, l := range strings.Split(out, "\n") {
		// A nested mount shows twice: bound with the configuration (rbind)
		// and again, read-only, over it.
		if m, ok := strings.CutPrefix(l, "mount: "); ok && !seen[m] {
			seen[m] = true
			got = append(got, m)
		}
	}
	want := "/isoforge/src /isoforge/src/nested /isoforge/work /nix"
	if strings.Join(sortedCopy(got), " ") != want {
		t.Errorf("mounts under /isoforge and /nix: %v, want %s", got, want)
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// logPlainBind runs the same check with the configuration's read-only
// bind alone, to record whether the engine's read-only is recursive: on
// Podman 4.3 and Docker 20.10 it is not, which is why the nested binds
// exist.
func logPlainBind(t *testing.T, a *Applier, cs runtimes.ContainerSpec) {
	cs.Name += "-plain"
	cs.Binds = cs.Binds[:2] // the configuration and the work directory
	var lines []string
	_, err := a.Runtime.Run(context.Background(), cs, func(_, l string) { lines = append(lines, l) })
	t.Logf("with a plain read-only bind (err %v): %s", err, strings.Join(lines, "; "))
	os.Remove(filepath.Join(cs.Binds[0].Source, "nested", "written"))
}

// TestIntegrationForeignVolumeIsRefused names, as runtime.nix_volume, a
// volume another application created on the real engines: isoforge
// refuses to mount it.
func TestIntegrationForeignVolumeIsRefused(t *testing.T) {
	for _, e := range runtimetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			name := fmt.Sprintf("isoforge-test-foreign-%d", time.Now().UnixNano())
			bin, args := "podman", []string{"--url", e.Host, "volume", "create", "--label", "com.example.app=db", name}
			if e.Name == "docker" {
				bin, args = "/usr/bin/docker", []string{"-H", e.Host, "volume", "create", "--label", "com.example.app=db", name}
			}
			if out, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
				t.Fatalf("creating a foreign volume: %v %s", err, out)
			}
			t.Cleanup(func() { runtimetest.RemoveVolume(e, name) })
			a := &Applier{Cfg: &spec.Config{Runtime: spec.Runtime{NixVolume: name}}, Runtime: runtimetest.Open(t, e)}
			err := a.checkVolumeOwner(context.Background())
			if err == nil || !strings.Contains(err.Error(), runtimes.LabelVolume) {
				t.Fatalf("err = %v, want a refusal naming %s", err, runtimes.LabelVolume)
			}
		})
	}
}
