package atomicfile_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/isoforge/isoforge/engine/atomicfile"
)

func TestWriteReplacesWholeAndLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	for _, body := range []string{"first", "second, longer"} {
		if err := atomicfile.Write(p, []byte(body), 0o640); err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(p)
		if string(got) != body {
			t.Fatalf("got %q, want %q", got, body)
		}
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), atomicfile.TempPrefix) {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
	if err := atomicfile.Write(filepath.Join(dir, "missing", "f"), nil, 0o644); err == nil {
		t.Error("writing into a missing directory did not fail")
	}
}

func TestWriteIfChangedKeepsUnchangedFiles(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	atomicfile.Write(p, []byte("same"), 0o644)
	old := time.Now().Add(-time.Hour)
	os.Chtimes(p, old, old)
	if err := atomicfile.WriteIfChanged(p, []byte("same"), 0o644); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); !st.ModTime().Equal(old) {
		t.Error("an unchanged file was rewritten")
	}
	atomicfile.WriteIfChanged(p, []byte("new"), 0o644)
	if got, _ := os.ReadFile(p); string(got) != "new" {
		t.Errorf("got %q", got)
	}
}
