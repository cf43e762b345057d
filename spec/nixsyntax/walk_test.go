package nixsyntax

import (
	"fmt"
	"strings"
	"testing"
)

// pathSummary renders a Path node for table tests.
func pathSummary(p *Path) string {
	s := fmt.Sprintf("%s %s @%s+%d", p.Kind, p.Text, p.Pos(), p.Pos().Offset)
	if p.Dynamic {
		s += " dynamic"
	}
	return s
}

func TestPaths(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"relative", "./x", []string{"relative ./x @1:1+0"}},
		{"in string interpolation", `"${./x}"`, []string{"relative ./x @1:4+3"}},
		{"directory", "./dir", []string{"relative ./dir @1:1+0"}},
		{"import directory", "import ./dir", []string{"relative ./dir @1:8+7"}},
		{"readFile", "builtins.readFile ./x", []string{"relative ./x @1:19+18"}},
		{"inside let", "let\n  p = ./x;\nin p", []string{"relative ./x @2:7+10"}},
		{"interpolated", "b: ./a/${b}", []string{"relative ./a/${b} @1:4+3 dynamic"}},
		{"interpolated then text", "b: ./a/${b}/c.nix", []string{"relative ./a/${b}/c.nix @1:4+3 dynamic"}},
		{"parent", "../x/y.nix", []string{"relative ../x/y.nix @1:1+0"}},
		{"bare relative", "a/b", []string{"relative a/b @1:1+0"}},
		{"absolute", "/etc/x", []string{"absolute /etc/x @1:1+0"}},
		{"home", "~/x", []string{"home ~/x @1:1+0"}},
		{"search", "<nixpkgs/lib>", []string{"search <nixpkgs/lib> @1:1+0"}},
		{"several in order", "[ ./a (./b) { c = ./c; } ]", []string{
			"relative ./a @1:3+2", "relative ./b @1:8+7", "relative ./c @1:19+18"}},
		{"path ends before ;", "{ a = ./a.nix; }", []string{"relative ./a.nix @1:7+6"}},
		{"not a path: URI and division", "x: [ http://a/b (x / 2) ]", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("paths.nix", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range Paths(f.Root) {
				got = append(got, pathSummary(p))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Paths:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestImports(t *testing.T) {
	tests := []struct {
		src  string
		want []string // the imported expression's source text
	}{
		{"import ./dir", []string{"./dir"}},
		{"import ./a.nix { }", []string{"./a.nix"}},
		{"builtins.import ./b.nix", []string{"./b.nix"}},
		{"(import) ./c.nix", []string{"./c.nix"}},
		{"x: import (./d + x)", []string{"(./d + x)"}},
		{"import <nixpkgs> { }", []string{"<nixpkgs>"}},
		{"[ (import ./a) (import ./b) ]", []string{"./a", "./b"}},
		{"builtins.readFile ./x", nil},
		{"import", nil},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			f, err := Parse("imports.nix", []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range Imports(f.Root) {
				arg := a.Args[0]
				got = append(got, tt.src[arg.Pos().Offset:arg.End().Offset])
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("Imports: got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestWalkOrder checks that Walk visits every node in pre-order and that
// returning false prunes a subtree.
func TestWalkOrder(t *testing.T) {
	f, err := Parse("walk.nix", []byte("{ a ? 1, ... }@x: let y = x.a or 2; in [ y (!true) ]"))
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	Walk(f.Root, func(n Node) bool {
		kinds = append(kinds, strings.TrimPrefix(fmt.Sprintf("%T", n), "*nixsyntax."))
		_, isLet := n.(*LetIn)
		return !isLet
	})
	want := "Lambda Formals Formal Name Int Name LetIn"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("pruned walk: got %s, want %s", got, want)
	}
	kinds = kinds[:0]
	Walk(f.Root, func(n Node) bool {
		kinds = append(kinds, strings.TrimPrefix(fmt.Sprintf("%T", n), "*nixsyntax."))
		return true
	})
	want = "Lambda Formals Formal Name Int Name LetIn Bind Name Select Var Name Int List Var Paren Unary Var"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("walk:\n got %s\nwant %s", got, want)
	}
}
