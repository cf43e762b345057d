package apply

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/isoforge/isoforge/engine/plan"
	"github.com/isoforge/isoforge/engine/render"
	"github.com/isoforge/isoforge/spec"
)

const mapConfig = `nixpkgs { channel = "nixos-24.11" }

defaults {
  kernel_params = ["console=ttyS0"]
}

variant "web" {
  hostname = "web1"
  nix      = <<-EOT
    services.nginx.enable = true;
      bogus.option = 1;
  EOT
}
`

func mapperFor(t *testing.T) (*logMapper, render.Rendered) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(mapConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, diags := spec.NewLoader().Load(dir, spec.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	v, _ := cfg.Variant("web")
	mod := render.Render(v, render.Options{})
	return newLogMapper(cfg.Dir, plan.Action{Variant: "web", Spec: v, Module: mod}), mod
}

// lineOf finds the rendered line holding text.
func lineOf(t *testing.T, mod render.Rendered, text string) int {
	t.Helper()
	for i, l := range strings.Split(string(mod.Text), "\n") {
		if strings.Contains(l, text) {
			return i + 1
		}
	}
	t.Fatalf("%q not rendered:\n%s", text, mod.Text)
	return 0
}

func TestLogMapperSpeaksInIsosHCL(t *testing.T) {
	m, mod := mapperFor(t)
	bogus := lineOf(t, mod, "bogus.option")
	host := lineOf(t, mod, "networking.hostName")
	kernel := lineOf(t, mod, "console=ttyS0")
	tests := []struct{ in, want string }{
		// The nix body: its own line and column in isos.hcl (the heredoc
		// strips 4 spaces; "bogus" is at column 7 of the file).
		{"       at /isoforge/work/iso.nix:" + itoa(bogus) + ":3:",
			"       at isos.hcl:11:7 (variant web, attribute nix):"},
		// A rendered attribute: where its value was written.
		{"error: at /isoforge/work/iso.nix:" + itoa(host) + ":3",
			"error: at isos.hcl:8:14 (variant web, attribute hostname; line " + itoa(host) + " of isoforge render web)"},
		{"at /isoforge/work/iso.nix:" + itoa(kernel) + ":5",
			"at isos.hcl:4:19 (variant web, attribute kernel_params; line " + itoa(kernel) + " of isoforge render web)"},
		// isoforge's own lines and whole-file mentions.
		{"while evaluating /isoforge/work/iso.nix:2:1", "while evaluating line 2 of the module rendered for variant web (isoforge render web)"},
		{"- In `/isoforge/work/iso.nix': true", "- In `the module rendered for variant web (isoforge render web)': true"},
		// The module system names the nix module by its _file.
		{"- In `isos.hcl (variant web, attribute nix)': 1", "- In `isos.hcl:9 (variant web, attribute nix)': 1"},
		{"error: getting status of '/isoforge/src/modules/x.nix': No such file", "error: getting status of 'modules/x.nix': No such file"},
		{"(use '--show-trace' to show detailed location information)", "(use 'isoforge apply -show-trace' to show detailed location information)"},
		{"building '/nix/store/abc-nixos.iso.drv'...", "building '/nix/store/abc-nixos.iso.drv'..."},
	}
	for _, tt := range tests {
		if got := m.Line(tt.in); got != tt.want {
			t.Errorf("Line(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestBuildLogSummaryIsTheNixErrorBlock(t *testing.T) {
	l, err := newBuildLog(filepath.Join(t.TempDir(), "v.log"), "v", Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for _, line := range []string{
		"these 2 derivations will be built:",
		"error: first failure",
		"       … while evaluating",
		"building '/nix/store/x.drv'...",
		"error:",
		"       … while calling the 'throw' builtin",
		"       error: The option `bogus' does not exist.",
		"",
	} {
		l.Line("stderr", line)
	}
	want := []string{"error:", "       … while calling the 'throw' builtin", "       error: The option `bogus' does not exist."}
	if d := cmp.Diff(want, l.Summary()); d != "" {
		t.Errorf("summary (-want +got):\n%s", d)
	}

	quiet, _ := newBuildLog(filepath.Join(t.TempDir(), "q.log"), "q", Options{}, nil)
	defer quiet.Close()
	for i := 0; i < 20; i++ {
		quiet.Line("stdout", "line "+itoa(i))
	}
	if got := quiet.Summary(); len(got) != tailLines || got[0] != "line 5" {
		t.Errorf("without an error block the summary is the tail, got %q", got)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
