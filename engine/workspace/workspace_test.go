package workspace_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isoforge/isoforge/engine/atomicfile"
	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/engine/workspace"
	"github.com/isoforge/isoforge/spec"
)

func TestCheckLinksNamesTheLink(t *testing.T) {
	tests := map[string]func(dir string){
		".isoforge": func(dir string) { os.Symlink("..", filepath.Join(dir, ".isoforge")) },
		"out":       func(dir string) { os.Symlink("/tmp", filepath.Join(dir, "out")) },
		"out/a.iso": func(dir string) {
			os.Mkdir(filepath.Join(dir, "out"), 0o755)
			os.Symlink("/dev/zero", filepath.Join(dir, "out", "a.iso"))
		},
		".isoforge/logs/a.log": func(dir string) {
			os.MkdirAll(filepath.Join(dir, ".isoforge", "logs"), 0o755)
			os.Symlink("../../../.bashrc", filepath.Join(dir, ".isoforge", "logs", "a.log"))
		},
	}
	for link, plant := range tests {
		t.Run(link, func(t *testing.T) {
			dir := t.TempDir()
			plant(dir)
			diags := workspace.CheckLinks(dir, "out")
			if !diags.HasErrors() || !strings.Contains(diags[0].Detail, link+" is a symlink") {
				t.Fatalf("diags = %v", diags)
			}
		})
	}
	if diags := workspace.CheckLinks(t.TempDir(), "out"); diags.HasErrors() {
		t.Errorf("a clean directory: %v", diags)
	}
}

func TestLockDirIsExclusive(t *testing.T) {
	dir := t.TempDir()
	l, err := workspace.LockDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := workspace.LockDir(dir); err == nil || !strings.Contains(err.Error(), "pid") {
		t.Fatalf("second lock: %v", err)
	}
	l.Release()
	l, err = workspace.LockDir(dir)
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	l.Release()
}

func TestRemoveLeftovers(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "out"), 0o755)
	os.MkdirAll(workspace.WorkDir(dir, "a"), 0o755)
	os.WriteFile(filepath.Join(dir, "out", atomicfile.TempPrefix+"a.iso-1"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "out", "keep.iso"), nil, 0o644)
	if !workspace.HasLeftovers(dir) {
		t.Fatal("the work directory is not seen")
	}
	if n := workspace.RemoveLeftovers(dir, "out"); n != 2 {
		t.Errorf("removed %d, want 2", n)
	}
	if workspace.HasLeftovers(dir) {
		t.Error("work directories left")
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "keep.iso")); err != nil {
		t.Error("an artifact was removed")
	}
}

// TestLockedImageID: the lock's image ID counts only for the reference it
// was recorded for.
func TestLockedImageID(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	id := "sha256:" + strings.Repeat("a", 64)
	l := lockfile.New()
	l.SetBuilder(lockfile.Builder{Image: "localhost/b:1", ID: id})
	if err := l.Save(filepath.Join(dir, lockfile.FileName)); err != nil {
		t.Fatal(err)
	}
	for ref, want := range map[string]string{"localhost/b:1": id, "localhost/b:2": ""} {
		ws, diags := workspace.Open(&spec.Config{Dir: dir, OutputDir: "out", Runtime: spec.Runtime{Image: ref}})
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		if got := ws.LockedImageID(); got != want {
			t.Errorf("%s: %q, want %q", ref, got, want)
		}
	}
}
