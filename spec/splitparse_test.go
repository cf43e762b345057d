package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/rogpeppe/go-internal/txtar"
)

// splitCorpus is every HCL text the tests know: the examples, the invalid
// configurations, and snippets whose lone "}" lines are not where a
// top-level block ends.
func splitCorpus(t testing.TB) map[string][]byte {
	t.Helper()
	corpus := map[string][]byte{
		"heredoc":          []byte("variant \"a\" {\n  nix = <<EOT\n{\n}\nvariant \"b\" {\n}\nEOT\n}\nvariant \"c\" {\n}\n"),
		"indented heredoc": []byte("variant \"a\" {\n  nix = <<-EOT\n    x = 1;\n}\n  EOT\n}\n"),
		"comment":          []byte("/*\n}\nvariant \"x\" {\n}\n*/\nvariant \"a\" {\n}\n"),
		"misindented":      []byte("variant \"a\" {\n  wifi {\n}\n}\nvariant \"b\" {\n}\n"),
		"unterminated":     []byte("variant \"a\" {\n}\nvariant \"b\" {\n"),
		"attributes":       []byte("x = 1\n}\ny = [\n1,\n]\nvariant \"a\" {\n}\nx = 2\n"),
		"expression":       []byte("locals {\n  a = {\n    b = 1\n}\n  c = 2\n}\n"),
		"interpolation":    []byte("locals {\n  a = \"${ {\n}\n}\"\n}\nvariant \"a\" {\n}\n"),
		"crlf":             []byte("variant \"a\" {\r\n}\r\nvariant \"b\" {\r\n}\r\n"),
		"empty":            nil,
	}
	var b strings.Builder
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&b, "variant \"v%d\" {\n  nix = <<-EOT\n    a = ''\n      ${x}\n    '';\n  EOT\n}\n\n", i)
	}
	corpus["fleet"] = []byte(b.String())
	for _, glob := range []string{"../examples/*/*.hcl", "testdata/invalid/*.txtar"} {
		paths, _ := filepath.Glob(glob)
		for _, p := range paths {
			if strings.HasSuffix(p, ".hcl") {
				src, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				corpus[p] = src
				continue
			}
			ar, err := txtar.ParseFile(p)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range ar.Files {
				if strings.HasSuffix(f.Name, ".hcl") {
					corpus[p+"/"+f.Name] = f.Data
				}
			}
		}
	}
	if len(corpus) < 90 {
		t.Fatalf("only %d texts: the examples or testdata moved", len(corpus))
	}
	return corpus
}

// TestParseAtAnyCutIsHCLSyntax: cutting a file at any line start, at one
// place or at several, parses to exactly what hclsyntax gives for the
// whole file — the same body, the same diagnostics, the same block
// context in messages.
func TestParseAtAnyCutIsHCLSyntax(t *testing.T) {
	for name, src := range splitCorpus(t) {
		want, wantDiags := hclsyntax.ParseConfig(src, "isos.hcl", hcl.InitialPos)
		starts := lineStarts(src)
		cutSets := [][]hcl.Pos{starts}
		for _, p := range starts {
			cutSets = append(cutSets, []hcl.Pos{p})
		}
		for _, cuts := range cutSets {
			got, diags := parseAt(src, "isos.hcl", cuts)
			if !reflect.DeepEqual(got.Body, want.Body) || !reflect.DeepEqual(diags, wantDiags) || string(got.Bytes) != string(src) {
				t.Fatalf("%s cut at %v: the body or diagnostics differ from hclsyntax's\ngot  %v\nwant %v", name, cuts, diags, wantDiags)
			}
			for off := 0; off < len(src); off += 7 {
				if g, w := contextOf(got, off), contextOf(want, off); g != w {
					t.Fatalf("%s cut at %v: context at byte %d is %q, want %q", name, cuts, off, g, w)
				}
			}
		}
	}
}

func contextOf(f *hcl.File, offset int) string {
	nav := f.Nav.(contextNav)
	return nav.ContextString(offset) + " " + nav.ContextDefRange(offset).String()
}

// lineStarts is every position that begins a line after the first.
func lineStarts(src []byte) []hcl.Pos {
	var starts []hcl.Pos
	line := 1
	for i, c := range src {
		if c == '\n' && i+1 < len(src) {
			line++
			starts = append(starts, hcl.Pos{Line: line, Column: 1, Byte: i + 1})
		}
	}
	return starts
}

// TestCutPointsSpreadEvenly: a large formatted file is cut where its
// top-level blocks end, near each 1/n of it; a small one is not cut.
func TestCutPointsSpreadEvenly(t *testing.T) {
	var b strings.Builder
	for i := 0; b.Len() < 4*minSplitBytes; i++ {
		fmt.Fprintf(&b, "variant \"v%d\" {\n  hostname = \"v%d\"\n}\n\n", i, i)
	}
	src := []byte(b.String())
	cuts := cutPoints(src, 4)
	if len(cuts) != 3 {
		t.Fatalf("%d cuts, want 3", len(cuts))
	}
	for i, c := range cuts {
		if string(src[c.Byte-2:c.Byte]) != "}\n" {
			t.Errorf("cut %d at byte %d is not after a closing brace", i, c.Byte)
		}
		if want := (i + 1) * len(src) / 4; c.Byte < want || c.Byte > want+64 {
			t.Errorf("cut %d at byte %d, want just after %d", i, c.Byte, want)
		}
	}
	if cuts := cutPoints(src[:minSplitBytes-1], 4); cuts != nil {
		t.Errorf("a small file was cut at %v", cuts)
	}
	if cuts := cutPoints(src, 1); cuts != nil {
		t.Errorf("one core, yet cut at %v", cuts)
	}
}

// FuzzParseAt: any text cut at any set of line starts parses as a whole
// parse does (seeded with the corpus above).
func FuzzParseAt(f *testing.F) {
	for _, src := range splitCorpus(f) {
		f.Add(src, uint64(0x5555))
	}
	f.Fuzz(func(t *testing.T, src []byte, pick uint64) {
		want, wantDiags := hclsyntax.ParseConfig(src, "isos.hcl", hcl.InitialPos)
		var cuts []hcl.Pos
		for i, p := range lineStarts(src) {
			if pick>>(i%64)&1 == 1 {
				cuts = append(cuts, p)
			}
		}
		got, diags := parseAt(src, "isos.hcl", cuts)
		if !reflect.DeepEqual(got.Body, want.Body) || !reflect.DeepEqual(diags, wantDiags) {
			t.Fatalf("cut at %v: got %v, want %v", cuts, diags, wantDiags)
		}
	})
}
