package render_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
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
// with its golden file, parses it with the real Nix parser and evaluates
// it with the real evaluator to the values the variant declares.
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
				got := evalModule(t, file, v.Packages)
				checkValues(t, v, got)
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

// checkValues compares what Nix evaluated with the variant's settings.
func checkValues(t *testing.T, v spec.Variant, got map[string]any) {
	t.Helper()
	path := func(keys ...string) any {
		var cur any = got
		for _, k := range keys {
			m, ok := cur.(map[string]any)
			if !ok {
				return nil
			}
			cur = m[k]
		}
		return cur
	}
	want := map[string]any{
		"hostName": orNil(v.Hostname), "timeZone": orNil(v.Timezone), "system": v.System,
		"keys": strs(v.SSHKeys), "packages": strs(v.Packages), "kernelParams": strs(v.KernelParams),
	}
	have := map[string]any{
		"hostName": path("networking", "hostName"), "timeZone": path("time", "timeZone"),
		"system":   path("nixpkgs", "hostPlatform"),
		"keys":     orEmpty(path("users", "users", "root", "openssh", "authorizedKeys", "keys")),
		"packages": orEmpty(path("environment", "systemPackages")), "kernelParams": orEmpty(path("boot", "kernelParams")),
	}
	if d := cmp.Diff(want, have); d != "" {
		t.Errorf("evaluated values differ (-want +got):\n%s", d)
	}
	imports, _ := got["imports"].([]any)
	f, _ := spec.LookupFormat(v.Format)
	wantImports := []any{}
	if f.BaseModule != "" {
		wantImports = append(wantImports, "/modules/"+f.BaseModule)
	}
	for _, m := range v.Modules {
		wantImports = append(wantImports, render.SrcMount+"/"+m)
	}
	if strings.TrimSpace(v.Nix) != "" {
		wantImports = append(wantImports, "<nix module>")
	}
	if d := cmp.Diff(wantImports, imports); d != "" {
		t.Errorf("imports differ (-want +got):\n%s", d)
	}
}

func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func orEmpty(v any) any {
	if v == nil {
		return []any{}
	}
	return v
}

func strs(in []string) []any {
	out := []any{}
	for _, s := range in {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}
