package spec_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/isoforge/isoforge/spec"
)

// hostileSeeds are depth- and size-hostile inputs of the kinds that
// crashed isoforge (issue 15): nesting of every construct the parser
// recurses on, just beyond and far beyond the limit.
func hostileSeeds() [][]byte {
	nest := func(open, mid, close string, n int) []byte {
		return []byte("x = " + strings.Repeat(open, n) + mid + strings.Repeat(close, n) + "\n")
	}
	return [][]byte{
		nest("[", "", "]", 60000),
		nest("{a=", "1", "}", 20000),
		nest("(", "1", ")", spec.MaxNestingDepth+1),
		nest("\"${", "1", "}\"", 5000),
		nest("", "0", "", 1), // a plain file, for contrast
		[]byte("x = " + strings.Repeat("true ? 1 : ", 40000) + "0\n"),
		[]byte("x = " + strings.Repeat("!", 100000) + "true\n"),
		[]byte("x = " + strings.Repeat("-", 100000) + "1\n"),
		[]byte("x = " + strings.Repeat("1+", 60000) + "1\n"),
		[]byte("x = <<EOT\n" + strings.Repeat("%{if true}", 20000) + strings.Repeat("%{endif}", 20000) + "\nEOT\n"),
		[]byte("locals {\n  x = \"" + strings.Repeat("a", 1<<20) + "\"\n}\n"),
		[]byte("variant \"a\x1b[2J\" {}\n"),
	}
}

// FuzzFormat runs what `isoforge fmt` runs on a file: the input bounds,
// then, only when they pass, the HCL parser and formatter. No input may
// crash it; run under a memory limit by scripts/fuzz.sh.
func FuzzFormat(f *testing.F) {
	for _, s := range hostileSeeds() {
		f.Add(s)
	}
	ex, _ := os.ReadFile("../examples/fleet/isos.hcl")
	f.Add(ex)
	f.Fuzz(func(t *testing.T, src []byte) {
		if spec.CheckInputBounds(src, "f.hcl", spec.SourceConfig, spec.MaxFileBytes).HasErrors() {
			return
		}
		if _, diags := hclsyntax.ParseConfig(src, "f.hcl", hcl.InitialPos); diags.HasErrors() {
			return
		}
		_ = hclwrite.Format(src)
	})
}

// FuzzLoadHostile decodes whole configurations built around the hostile
// seeds, through every phase (variables, locals, variants).
func FuzzLoadHostile(f *testing.F) {
	for _, s := range hostileSeeds() {
		f.Add(append([]byte("nixpkgs { channel = \"nixos-24.11\" }\nlocals {\n"), append(s, []byte("}\nvariant \"a\" { hostname = \"h\" }\n")...)...))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "isos.hcl"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		_, _ = spec.NewLoader().Load(dir, spec.Options{})
	})
}

// TestHostileSeedsAreBounded runs the hostile seeds as plain tests: each
// deep one is refused by the bounds, and none crashes the parser.
func TestHostileSeedsAreBounded(t *testing.T) {
	for i, s := range hostileSeeds() {
		diags := spec.CheckInputBounds(s, "seed.hcl", spec.SourceConfig, spec.MaxFileBytes)
		deep := i != 4 && i != 10
		if deep != diags.HasErrors() {
			t.Errorf("seed %d (%.40q...): refused %v, want %v: %v", i, s, diags.HasErrors(), deep, diags)
		}
		if !diags.HasErrors() {
			hclsyntax.ParseConfig(s, "seed.hcl", hcl.InitialPos)
		}
	}
}
