package spec_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/isoforge/isoforge/spec"
	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite golden files")

// extract writes a txtar archive's files into a new directory.
func extract(t testing.TB, ar *txtar.Archive) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range ar.Files {
		p := filepath.Join(dir, f.Name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func load(t testing.TB, dir string, opts spec.Options) (*spec.Config, *spec.Loader, hcl.Diagnostics) {
	t.Helper()
	l := spec.NewLoader()
	cfg, diags := l.Load(dir, opts)
	return cfg, l, diags
}

// TestInvalidConfigs checks that every broken configuration under
// testdata/invalid fails with diagnostics that name a file, line and
// column, and that the messages match their golden files.
func TestInvalidConfigs(t *testing.T) {
	cases, _ := filepath.Glob("testdata/invalid/*.txtar")
	if len(cases) < 30 {
		t.Fatalf("only %d broken configurations; the corpus should hold at least 30", len(cases))
	}
	for _, c := range cases {
		name := strings.TrimSuffix(filepath.Base(c), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(c)
			if err != nil {
				t.Fatal(err)
			}
			dir := extract(t, ar)
			_, l, diags := load(t, dir, spec.Options{})
			if !diags.HasErrors() {
				t.Fatalf("no error for %s", name)
			}
			for _, d := range diags {
				if d.Severity == hcl.DiagError && d.Subject == nil && name != "nixpkgs-missing" {
					t.Errorf("diagnostic without a source range: %s: %s", d.Summary, d.Detail)
				}
			}
			var buf bytes.Buffer
			wr := hcl.NewDiagnosticTextWriter(&buf, l.Files(), 0, false)
			_ = wr.WriteDiagnostics(diags)
			got := strings.ReplaceAll(buf.String(), dir+string(filepath.Separator), "")
			checkGolden(t, strings.TrimSuffix(c, ".txtar")+".golden", got)
		})
	}
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./spec -run %s -update to create it)", err, t.Name())
	}
	if string(want) != got {
		t.Errorf("diagnostics differ from %s (run with -update after checking them):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
