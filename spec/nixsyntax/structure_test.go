package nixsyntax

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// TestStructure compares the tree we build with the one Nix builds: for
// each snippet of testdata/structure.txtar (operator precedence and
// associativity, selection, application, sets), our rendering in the
// format of `nix-instantiate --parse` must equal Nix's output.
func TestStructure(t *testing.T) {
	nix, haveNix := newNixOracle(t)
	if !haveNix {
		return
	}
	ar, err := txtar.ParseFile(filepath.Join("testdata", "structure.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	srcs := make([][]byte, len(ar.Files))
	for i, f := range ar.Files {
		srcs[i] = bytes.TrimSpace(f.Data)
	}
	results := nix.parseAll(t, srcs)
	for i, f := range ar.Files {
		src := string(srcs[i])
		parsed, err := Parse(f.Name, srcs[i])
		if err != nil {
			t.Errorf("%s: %v", f.Name, err)
			continue
		}
		r := results[i]
		if !r.ok {
			t.Errorf("%s: nix rejects it:\n%s", f.Name, r.stderr)
			continue
		}
		want := strings.TrimSpace(r.stdout)
		if got := showNix(parsed.Root); got != want {
			t.Errorf("%s: %s\n got %s\nwant %s", f.Name, src, got, want)
		}
	}
}
