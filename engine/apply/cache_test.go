package apply

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// A pushed cache is merged only as a cache: new files of the layout,
// nothing outside the directory, nothing already there rewritten.
func TestMergeCacheKeepsToTheLayout(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "nix-cache-info"), []byte("StoreDir: /nix/store\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "old.narinfo"), []byte("old"), 0o644)
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, body := range map[string]string{
		"push/new.narinfo":          "new",
		"push/nar/abc.nar.xz":       "nar",
		"push/old.narinfo":          "rewritten",
		"push/nix-cache-info":       "StoreDir: /evil\n",
		"push/../escape.narinfo":    "escape",
		"push/nar/../../up.narinfo": "up",
		"push/run.sh":               "#!/bin/sh",
		"push/nar/deep/x.nar":       "deep",
	} {
		tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(body))})
		tw.Write([]byte(body))
	}
	tw.Close()
	if err := mergeCache(&buf, dir); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"new.narinfo": "new", "nar/abc.nar.xz": "nar", "old.narinfo": "old", "nix-cache-info": "StoreDir: /nix/store\n",
	}
	for name, body := range want {
		if b, _ := os.ReadFile(filepath.Join(dir, name)); string(b) != body {
			t.Errorf("%s = %q, want %q", name, b, body)
		}
	}
	for _, name := range []string{"run.sh", "nar/deep/x.nar", "../escape.narinfo", "up.narinfo"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s was written", name)
		}
	}
}

// An existing directory that is not a binary cache is neither shipped
// to builders nor written to.
func TestFileCacheMustBeACache(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "id_ed25519"), []byte("secret"), 0o600)
	if _, err := isCacheDir(dir); err == nil {
		t.Fatal("a directory without nix-cache-info was taken for a cache")
	}
	if ok, err := isCacheDir(filepath.Join(dir, "missing")); ok || err != nil {
		t.Fatalf("a missing cache: %v %v", ok, err)
	}
}
