package lockfile_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/isoforge/isoforge/engine/lockfile"
)

func TestLoadCachedMatchesParse(t *testing.T) {
	dir := t.TempDir()
	path, cache := filepath.Join(dir, "isos.lock.hcl"), filepath.Join(dir, ".isoforge", "lock.json")
	want := sampleLock(5, "f")
	if err := want.Save(path); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ { // the first load parses and fills the cache, the second uses it
		got, diags := lockfile.LoadCached(path, cache)
		if diags.HasErrors() || !got.Equal(want) {
			t.Fatalf("load %d: %v", i, diags)
		}
	}
	if _, err := os.Stat(cache); err != nil {
		t.Fatal("no cache written")
	}
	// A changed lockfile must be parsed again, never served from the cache.
	changed := sampleLock(3, "e")
	if err := changed.Save(path); err != nil {
		t.Fatal(err)
	}
	got, _ := lockfile.LoadCached(path, cache)
	if !got.Equal(changed) {
		t.Fatal("a stale cache entry was used")
	}
	// A broken lockfile still reports its diagnostics.
	os.WriteFile(path, []byte("variant {"), 0o644)
	if _, diags := lockfile.LoadCached(path, cache); !diags.HasErrors() {
		t.Fatal("a broken lockfile loaded without diagnostics")
	}
}
