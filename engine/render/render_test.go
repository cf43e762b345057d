package render_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/isoforge/isoforge/engine/render"
	"github.com/isoforge/isoforge/spec"
)

var update = flag.Bool("update", false, "rewrite golden files")

func loadExample(t *testing.T, name string) *spec.Config {
	t.Helper()
	cfg, diags := spec.NewLoader().Load(filepath.Join("..", "..", "examples", name), spec.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return cfg
}

// TestExamplesRender renders every variant of every example, compares it
// with its golden file and parses it with the real Nix parser;
// TestExamplesEvaluateWithTheModuleSystem evaluates it.
func TestExamplesRender(t *testing.T) {
	examples, _ := filepath.Glob("../../examples/*/isos.hcl")
	if len(examples) == 0 {
		t.Fatal("no examples found")
	}
	for _, ex := range examples {
		name := filepath.Base(filepath.Dir(ex))
		cfg := loadExample(t, name)
		for _, v := range cfg.Variants {
			t.Run(name+"/"+v.Name, func(t *testing.T) {
				src := render.Module(v, render.Options{})
				golden := filepath.Join("testdata", name+"-"+v.Name+".nix")
				checkGolden(t, golden, src)
				file := filepath.Join(t.TempDir(), "iso.nix")
				if err := os.WriteFile(file, src, 0o644); err != nil {
					t.Fatal(err)
				}
				nixParse(t, file)
			})
		}
	}
}

// corpusRevision is the revision the corpus pins.
const corpusRevision = "5ef6c425980847c78a80d759abc476e941a9bf42"

// TestCorpusRender renders every variant of testdata/corpus, one per
// rendering rule, with its pinned revision, against golden files.
func TestCorpusRender(t *testing.T) {
	cfg, diags := spec.NewLoader().Load(filepath.Join("testdata", "corpus"), spec.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	for _, v := range cfg.Variants {
		t.Run(v.Name, func(t *testing.T) {
			src := render.Module(v, render.Options{Revision: cfg.Nixpkgs.Rev})
			checkGolden(t, filepath.Join("testdata", "corpus-"+v.Name+".nix"), src)
			file := filepath.Join(t.TempDir(), "iso.nix")
			if err := os.WriteFile(file, src, 0o644); err != nil {
				t.Fatal(err)
			}
			nixParse(t, file)
		})
	}
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("render differs from %s (-want +got):\n%s", path, d)
	}
}
