package lockfile_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
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
		got, _, diags := lockfile.LoadCached(path, cache)
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
	got, _, _ := lockfile.LoadCached(path, cache)
	if !got.Equal(changed) {
		t.Fatal("a stale cache entry was used")
	}
	// A broken lockfile still reports its diagnostics.
	os.WriteFile(path, []byte("variant {"), 0o644)
	if _, _, diags := lockfile.LoadCached(path, cache); !diags.HasErrors() {
		t.Fatal("a broken lockfile loaded without diagnostics")
	}
}

// TestTamperedCacheIsIgnored plants caches that claim to describe the
// lockfile's bytes but carry values the parser refuses: each is ignored
// and the lockfile itself is parsed.
func TestTamperedCacheIsIgnored(t *testing.T) {
	dir := t.TempDir()
	path, cache := filepath.Join(dir, "isos.lock.hcl"), filepath.Join(dir, "lock.json")
	want := sampleLock(2, "f")
	if err := want.Save(path); err != nil {
		t.Fatal(err)
	}
	src, _ := os.ReadFile(path)
	sum := sha256.Sum256(src)
	key := hex.EncodeToString(sum[:])
	for name, variant := range map[string]string{
		"artifact outside": `{"InputsHash":"h1:` + strings.Repeat("A", 43) + `=","Format":"iso","Artifact":"../x","SHA256":"` + strings.Repeat("0", 64) + `","Size":1}`,
		"negative size":    `{"InputsHash":"h1:` + strings.Repeat("A", 43) + `=","Format":"iso","Artifact":"out/x.iso","SHA256":"` + strings.Repeat("0", 64) + `","Size":-1}`,
	} {
		t.Run(name, func(t *testing.T) {
			os.WriteFile(cache, []byte(`{"sum":"`+key+`","variants":{"evil":`+variant+`}}`), 0o644)
			got, _, diags := lockfile.LoadCached(path, cache)
			if diags.HasErrors() || !got.Equal(want) {
				t.Fatalf("the tampered cache was used: %v %v", got.VariantNames(), diags)
			}
		})
	}
}
