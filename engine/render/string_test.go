package render_test

import (
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/isoforge/isoforge/engine/render"
)

var hostile = []string{
	"", "plain", `quote " inside`, `back\slash`, `trailing\`, "${builtins.currentTime}", "$${x}", "$$", "$",
	"\\${x}", "''${x}", "line\nbreak", "tab\tand\rcr", "unicode: ✓ 日本", `"; builtins.exec ["sh"]; "`,
	"${", "}", "\\\\${", "a$", "'' ''", "\"\"\"", "\\n literally", "\x01\x02 control",
}

// evalStrings renders every string with render.String into one Nix list
// and evaluates it with the real evaluator.
func evalStrings(t testing.TB, in []string) []string {
	t.Helper()
	var b strings.Builder
	b.WriteString("[\n")
	for _, s := range in {
		b.WriteString("  " + render.String(s) + "\n")
	}
	b.WriteString("]\n")
	dir := t.TempDir()
	file := filepath.Join(dir, "strings.nix")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var out []string
	nixEval(t, dir, "import ./"+filepath.Base(file), &out)
	return out
}

func TestStringRoundTripsThroughNix(t *testing.T) {
	in := append([]string(nil), hostile...)
	r := rand.New(rand.NewSource(1))
	alphabet := []rune("ab$\\\"{}'\n\t ~✓")
	for i := 0; i < 300; i++ {
		n := r.Intn(12)
		var s []rune
		for j := 0; j < n; j++ {
			s = append(s, alphabet[r.Intn(len(alphabet))])
		}
		in = append(in, string(s))
	}
	if d := cmp.Diff(in, evalStrings(t, in)); d != "" {
		t.Errorf("strings changed on their way through Nix (-want +got):\n%s", d)
	}
}

func TestAttrPathQuotesKeywords(t *testing.T) {
	got := render.AttrPath("pkgs", "python3Packages.if.requests")
	if got != `pkgs.python3Packages."if".requests` {
		t.Errorf("AttrPath = %s", got)
	}
}

// FuzzString checks that any string without NUL (which Nix strings cannot
// hold; the spec rejects it) evaluates back to itself.
func FuzzString(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsRune(s, 0) || !utf8.ValidString(s) {
			t.Skip()
		}
		q := render.String(s)
		if strings.Contains(strings.ReplaceAll(q, `\$`, ""), "$") {
			t.Fatalf("unescaped $ in %s", q)
		}
		got := evalStrings(t, []string{s})
		if len(got) != 1 || got[0] != s {
			t.Fatalf("%q evaluated to %q", s, got)
		}
	})
}
