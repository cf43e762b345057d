package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/containers/podman/v4/pkg/bindings"
	"github.com/containers/podman/v4/pkg/bindings/system"
	"github.com/isoforge/isoforge/runtimes/runtimetest"
)

// TestCleanStoreFreesSpace fills a fresh store volume on Podman with
// garbage (an apply: its result is copied out and its GC root removed),
// then runs clean -store. The volume's size, read from Podman's own
// disk-usage API before and after, must shrink.
func TestCleanStoreFreesSpace(t *testing.T) {
	var podman runtimetest.Engine
	for _, e := range runtimetest.Engines(t) {
		if e.Name == "podman" {
			podman = e
		}
	}
	if podman.Name == "" {
		t.Fatal("clean -store is tested on Podman: set ISOFORGE_TEST_PODMAN_HOST (scripts/test-env.sh does)")
	}
	dir := t.TempDir()
	vol := "isoforge-gctest-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	t.Cleanup(func() { runtimetest.RemoveVolume(podman, vol) })
	src := "nixpkgs { path = \"unused\" }\nruntime { nix_volume = \"" + vol + "\" }\nvariant \"garbage\" { hostname = \"garbage\" }\n"
	if err := os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := isoforge(t, podman, dir, "apply"); r.code != 0 {
		t.Fatalf("apply: %s%s", r.stdout, r.stderr)
	}
	before := volumeSize(t, podman.Host, vol)
	r := isoforge(t, podman, dir, "clean", "-store")
	if r.code != 0 {
		t.Fatalf("clean -store: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	after := volumeSize(t, podman.Host, vol)
	t.Logf("volume %s: %d bytes before, %d after; isoforge said: %s", vol, before, after, strings.TrimSpace(r.stdout))
	if !strings.Contains(r.stdout, "Collected garbage in store volume "+vol+": ") || !strings.Contains(r.stdout, "store paths deleted") {
		t.Errorf("clean -store output lacks Nix's summary:\n%s", r.stdout)
	}
	if after >= before {
		t.Errorf("the store volume did not shrink: %d bytes before, %d after", before, after)
	}
	if r := isoforge(t, podman, dir, "apply", "-replace", "garbage"); r.code != 0 {
		t.Errorf("a build after clean -store failed: %s%s", r.stdout, r.stderr)
	}
}

// volumeSize asks Podman's disk-usage API how big a volume is. The API
// fails when a container of a concurrent test vanishes while it counts,
// so it is asked again a few times.
func volumeSize(t *testing.T, host, name string) int64 {
	t.Helper()
	ctx, err := bindings.NewConnection(context.Background(), host)
	if err != nil {
		t.Fatal(err)
	}
	report, err := system.DiskUsage(ctx, nil)
	for try := 0; err != nil && try < 10; try++ {
		time.Sleep(500 * time.Millisecond)
		report, err = system.DiskUsage(ctx, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range report.Volumes {
		if v.VolumeName == name {
			return v.Size
		}
	}
	t.Fatalf("podman reports no volume %s", name)
	return 0
}
