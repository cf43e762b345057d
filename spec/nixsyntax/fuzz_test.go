package nixsyntax

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// FuzzParse checks that no input makes Parse panic or hang, that every
// node's span lies inside its parent's, and, while fuzzing (not in the
// seed run, where it would cost a process per seed) with nix-instantiate
// installed, that we accept exactly what Nix accepts. Seeds: the snippet
// corpus and the nixpkgs lib files.
func FuzzParse(f *testing.F) {
	for _, file := range []string{"valid.txtar", "invalid.txtar"} {
		ar, err := txtar.ParseFile(filepath.Join("testdata", file))
		if err != nil {
			f.Fatal(err)
		}
		for _, e := range ar.Files {
			f.Add(e.Data)
		}
	}
	for _, path := range libFiles(f) {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	fuzzing := flag.Lookup("test.fuzz").Value.String() != ""
	var nix *nixOracle
	if fuzzing && os.Getenv("ISOFORGE_SKIP_NIX_EVAL") != "1" {
		nix, _ = newNixOracle(f)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := Parse("fuzz.nix", src)
		var se *SyntaxError
		if err != nil && !errors.As(err, &se) {
			t.Fatalf("error is %T, want *SyntaxError: %v", err, err)
		}
		if err == nil {
			checkSpans(t, file.Root, len(src))
		}
		if nix == nil || (se != nil && strings.Contains(se.Msg, "nested too deeply")) {
			return
		}
		if r := nix.parse(t, src); r.ok != (err == nil) {
			t.Errorf("nix accepts=%v, we accept=%v (%v)\n%s", r.ok, err == nil, err, r.stderr)
		}
	})
}

// checkSpans requires every node to span a valid range inside its
// parent's, and children to come in source order.
func checkSpans(t *testing.T, root Node, size int) {
	t.Helper()
	var check func(n Node)
	check = func(n Node) {
		from, to := n.Pos().Offset, n.End().Offset
		if from < 0 || from > to || to > size {
			t.Fatalf("%T spans %d..%d in %d bytes", n, from, to, size)
		}
		last := from
		Children(n, func(c Node) {
			if c.Pos().Offset < last || c.End().Offset > to {
				t.Fatalf("%T at %d..%d: child %T at %d..%d out of place", n, from, to, c, c.Pos().Offset, c.End().Offset)
			}
			last = c.End().Offset
			check(c)
		})
	}
	check(root)
}
