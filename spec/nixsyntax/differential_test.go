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

var update = flag.Bool("update", false, "rewrite the error positions in testdata/invalid.txtar from nix-instantiate")

// outcome is what our parser made of a snippet: accepted, or rejected at
// LINE:COLUMN.
func outcome(t *testing.T, name string, src []byte) (ok bool, pos string) {
	t.Helper()
	_, err := Parse(name, src)
	if err == nil {
		return true, ""
	}
	var se *SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("%s: error is %T, want *SyntaxError: %v", name, err, err)
	}
	return false, se.Pos.String()
}

// TestCorpus parses the tricky snippets of testdata/valid.txtar and
// testdata/invalid.txtar and requires exactly the verdict of
// nix-instantiate --parse, and for rejected snippets the same line:column.
func TestCorpus(t *testing.T) {
	nix, haveNix := newNixOracle(t)
	for _, file := range []string{"valid.txtar", "invalid.txtar"} {
		path := filepath.Join("testdata", file)
		ar, err := txtar.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		wantOK := file == "valid.txtar"
		changed := false
		var results []nixResult
		if haveNix {
			srcs := make([][]byte, len(ar.Files))
			for i, f := range ar.Files {
				srcs[i] = f.Data
			}
			results = nix.parseAll(t, srcs)
		}
		for i, f := range ar.Files {
			name, wantPos, _ := strings.Cut(f.Name, " @")
			ok, pos := outcome(t, name, f.Data)
			if haveNix {
				r := results[i]
				if r.ok != wantOK {
					t.Errorf("%s/%s: nix accepts=%v, but the snippet is filed as accepts=%v\n%s", file, name, r.ok, wantOK, r.stderr)
				}
				if *update && !wantOK && !r.ok && r.pos != wantPos {
					ar.Files[i].Name, wantPos, changed = name+" @"+r.pos, r.pos, true
				}
				if !wantOK && !r.ok && r.pos != wantPos {
					t.Errorf("%s/%s: nix reports %s, recorded @%s (go test -update)", file, name, r.pos, wantPos)
				}
			}
			switch {
			case ok != wantOK:
				_, err := Parse(name, f.Data)
				t.Errorf("%s/%s: we accept=%v, Nix accept=%v (our error: %v)", file, name, ok, wantOK, err)
			case !ok && pos != wantPos:
				_, err := Parse(name, f.Data)
				t.Errorf("%s/%s: we report %s, Nix %s (%v)", file, name, pos, wantPos, err)
			}
		}
		if changed {
			if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestNixpkgsLib parses every file of the nixpkgs lib copy in ../shared
// and requires the verdict of nix-instantiate --parse on each.
func TestNixpkgsLib(t *testing.T) {
	files := libFiles(t)
	if files == nil {
		return
	}
	nix, haveNix := newNixOracle(t)
	var rejected []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(f, src); err != nil {
			rejected = append(rejected, f)
			if !haveNix {
				t.Errorf("%v", err)
			}
		}
	}
	t.Logf("%d files, %d rejected by us", len(files), len(rejected))
	if !haveNix {
		return
	}
	// One nix-instantiate run accepts them all, or check each file.
	if r := nix.parseFiles(t, files...); r.ok && len(rejected) == 0 {
		return
	}
	for _, f := range files {
		r := nix.parseFiles(t, f)
		ours := !contains(rejected, f)
		if r.ok != ours {
			t.Errorf("%s: nix accepts=%v, we accept=%v\n%s", f, r.ok, ours, r.stderr)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestBaseNames checks our table of Nix's static base environment: every
// name in it parses as a variable, names of builtins outside it do not.
func TestBaseNames(t *testing.T) {
	nix, haveNix := newNixOracle(t)
	if !haveNix {
		return
	}
	all := "[ " + strings.Join(baseNameList, " ") + " ]"
	if r := nix.parse(t, []byte(all)); !r.ok {
		t.Fatalf("nix rejects a name of our base environment:\n%s", r.stderr)
	}
	for _, name := range []string{"or", "attrNames", "add", "__map", "__import", "sub", "nixPath"} {
		_, err := Parse("name.nix", []byte(name))
		ours := err == nil
		if r := nix.parse(t, []byte(name)); r.ok != ours {
			t.Errorf("%s: nix accepts=%v, we accept=%v", name, r.ok, ours)
		}
	}
	if testing.Short() {
		return
	}
	// Every builtin, bare and with __, outside our table must be undefined.
	var others [][]byte
	for _, n := range nix.builtinNames(t) {
		for _, name := range []string{n, "__" + n} {
			if !baseNames[name] && name != "__curPos" {
				others = append(others, []byte(name))
			}
		}
	}
	for i, r := range nix.parseAll(t, others) {
		if r.ok {
			t.Errorf("nix knows %q at top level; add it to baseNameList", others[i])
		}
	}
}
