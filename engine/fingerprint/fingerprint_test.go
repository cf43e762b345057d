package fingerprint_test

import (
	"os"
	"path/filepath"
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

// TestReadInputsStaysInside: ReadInputs reads regular files inside the
// directory and refuses a symlink leading out of it and a FIFO (which
// would block a plain open) without hanging.
func TestReadInputsStaysInside(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "m"), 0o755)
	os.WriteFile(filepath.Join(dir, "m", "a.nix"), []byte("{ }"), 0o644)
	os.WriteFile(filepath.Join(outside, "secret"), []byte("s"), 0o644)
	os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "m", "link"))
	if err := syscall.Mkfifo(filepath.Join(dir, "m", "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := fingerprint.ReadInputs(dir, []string{"m/a.nix"})
	if err != nil || string(got["m/a.nix"]) != "{ }" {
		t.Fatalf("ReadInputs = %v, %v", got, err)
	}
	for _, bad := range []string{"m/link", "m/fifo", "../x", "m/missing"} {
		if _, err := fingerprint.ReadInputs(dir, []string{bad}); err == nil {
			t.Errorf("ReadInputs(%s) read it", bad)
		}
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
