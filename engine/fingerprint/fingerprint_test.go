package fingerprint_test

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/isoforge/isoforge/engine/fingerprint"
)

func TestComputeIsStableAndSensitive(t *testing.T) {
	in := fingerprint.Inputs{Rendered: []byte("{ }"), Files: map[string][]byte{"m.nix": []byte("{ }")}, Format: "install-iso", System: "x86_64-linux", Image: "img", Nixpkgs: "rev:1", Renderer: "1"}
	a, err := fingerprint.Compute(in)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := fingerprint.Compute(in)
	if a.Hash != b.Hash || len(a.Hash) != 47 || a.Hash[:3] != "h1:" {
		t.Fatalf("unstable or malformed hash: %s %s", a.Hash, b.Hash)
	}
	in.Files = map[string][]byte{"m.nix": []byte("{ x = 1; }")}
	c, _ := fingerprint.Compute(in)
	if c.Hash == a.Hash {
		t.Fatal("a changed module file did not change the hash")
	}
	want := []fingerprint.Change{{Name: "src/m.nix", How: "changed"}}
	if d := cmp.Diff(want, fingerprint.Diff(a.Inputs, c.Inputs)); d != "" {
		t.Errorf("diff (-want +got):\n%s", d)
	}
}

func TestModuleFilesFollowsRelativeImports(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"modules/a.nix":         "{ imports = [ ./b.nix ../shared/c.nix ]; }",
		"modules/b.nix":         "{ }",
		"shared/c.nix":          "{ x = ./data/motd; }",
		"shared/data/motd":      "hi",
		"modules/unrelated.nix": "{ }",
		"extra.nix":             "{ }",
	}
	for n, b := range files {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(n)), 0o755)
		os.WriteFile(filepath.Join(dir, n), []byte(b), 0o644)
	}
	got, err := fingerprint.ModuleFiles(dir, []string{"modules/a.nix"}, `imports = [ (src + "/extra.nix") ];`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"extra.nix", "modules/a.nix", "modules/b.nix", "shared/c.nix", "shared/data/motd"}
	if d := cmp.Diff(want, slices.Sorted(maps.Keys(got))); d != "" {
		t.Errorf("files (-want +got):\n%s", d)
	}
}

func TestStatCacheRehashesOnlyChangedFiles(t *testing.T) {
	dir := t.TempDir()
	art := filepath.Join(dir, "a.iso")
	os.WriteFile(art, []byte("one"), 0o644)
	cachePath := filepath.Join(dir, "cache.json")
	c := fingerprint.LoadStatCache(cachePath)
	first, _, err := c.Sum(art, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	// Same size and mtime but other content: only -verify notices, which
	// proves the cache answered without reading the file.
	st, _ := os.Stat(art)
	os.WriteFile(art, []byte("two"), 0o644)
	os.Chtimes(art, st.ModTime(), st.ModTime())
	c2 := fingerprint.LoadStatCache(cachePath)
	cached, _, _ := c2.Sum(art, false)
	if cached != first {
		t.Fatal("the cache re-hashed a file whose stat did not change")
	}
	verified, _, _ := c2.Sum(art, true)
	if verified == first {
		t.Fatal("-verify did not re-hash")
	}
	os.Chtimes(art, time.Now(), time.Now())
	if _, _, err := c2.Sum(filepath.Join(dir, "missing.iso"), false); err != fingerprint.ErrMissing {
		t.Errorf("missing file: %v", err)
	}
}

// TestSumRefusesNonRegularFiles: an artifact that is a FIFO or a symlink
// to /dev/zero is an error at once, not a hang.
func TestSumRefusesNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.iso")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero.iso")
	os.Symlink("/dev/zero", zero)
	c := fingerprint.LoadStatCache("")
	for _, p := range []string{fifo, zero} {
		done := make(chan error, 1)
		go func() { _, _, err := c.Sum(p, true); done <- err }()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(err.Error(), "not a regular file") {
				t.Errorf("%s: err = %v", p, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("hashing %s hangs", p)
		}
		if _, _, err := fingerprint.FileSum(p); err == nil {
			t.Errorf("FileSum(%s) succeeded", p)
		}
	}
}
