package spec_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/isoforge/isoforge/spec"
	"github.com/rogpeppe/go-internal/txtar"
)

const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKzBtf2H9nMYYmRPUMNfraf/kLnPJc7zQvnJxfNGW2BT admin@example.org"

func loadSource(t *testing.T, src string, opts spec.Options) *spec.Config {
	t.Helper()
	dir := extract(t, txtar.Parse([]byte(src)))
	cfg, _, diags := load(t, dir, opts)
	if diags.HasErrors() {
		t.Fatalf("unexpected diagnostics: %s", diags.Error())
	}
	return cfg
}

func TestInheritanceAndForEach(t *testing.T) {
	cfg := loadSource(t, `
-- isos.hcl --
locals { base = ["htop"] }
nixpkgs { channel = "nixos-24.11" }
defaults {
  packages = local.base
  timezone = "UTC"
}
variant "net" {
  abstract      = true
  packages      = concat(local.base, ["tcpdump"])
  kernel_params = ["console=ttyS0"]
}
variant "site" {
  for_each = { ams = "Europe/Amsterdam", fra = "Europe/Berlin" }
  inherits = ["net"]
  hostname = "installer-${each.key}"
  timezone = each.value
}
variant "plain" {}
`, spec.Options{})
	if got, want := cfg.VariantNames(), []string{"plain", "site-ams", "site-fra"}; !cmp.Equal(got, want) {
		t.Fatalf("variants = %v, want %v", got, want)
	}
	ams, _ := cfg.Variant("site-ams")
	want := spec.Variant{
		Name: "site-ams", Format: "iso-installer", System: "x86_64-linux", Hostname: "installer-ams",
		Timezone: "Europe/Amsterdam", FileName: "site-ams.iso", Packages: []string{"htop", "tcpdump"},
		KernelParams: []string{"console=ttyS0"}, Modules: []string{}, DeclRange: ams.DeclRange, Ranges: ams.Ranges,
		Block: "site", Lineage: []string{"net"},
	}
	if d := cmp.Diff(want, ams); d != "" {
		t.Errorf("site-ams (-want +got):\n%s", d)
	}
	// Each value points at where it was written: inherited from "net",
	// overridden in "site" (timezone beats the defaults).
	lines := map[string]int{}
	for name, r := range ams.Ranges {
		lines[name] = r.Start.Line
	}
	if d := cmp.Diff(map[string]int{"packages": 9, "kernel_params": 10, "hostname": 15, "timezone": 16}, lines); d != "" {
		t.Errorf("site-ams (-want +got):\n%s", d)
	}
	plain, _ := cfg.Variant("plain")
	if plain.Timezone != "UTC" || !cmp.Equal(plain.Packages, []string{"htop"}) || plain.KernelParams != nil {
		t.Errorf("plain does not get exactly the defaults: %+v", plain)
	}
}

func TestVariablePrecedence(t *testing.T) {
	src := `
-- isos.hcl --
variable "host" { default = "from-default" }
nixpkgs { channel = "nixos-24.11" }
variant "a" { hostname = var.host }
-- a.vars.hcl --
host = "from-file"
`
	dir := extract(t, txtar.Parse([]byte(src)))
	varFile := filepath.Join(dir, "a.vars.hcl")
	tests := []struct {
		name string
		opts spec.Options
		want string
	}{
		{"default", spec.Options{}, "from-default"},
		{"env beats default", spec.Options{Env: []string{"ISOFORGE_VAR_host=from-env"}}, "from-env"},
		{"var-file beats env", spec.Options{Env: []string{"ISOFORGE_VAR_host=from-env"}, Vars: []spec.VarArg{{File: varFile}}}, "from-file"},
		{"later -var wins", spec.Options{Vars: []spec.VarArg{{Name: "host", Value: "from-flag"}, {File: varFile}}}, "from-file"},
		{"-var after file wins", spec.Options{Vars: []spec.VarArg{{File: varFile}, {Name: "host", Value: "from-flag"}}}, "from-flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, _, diags := load(t, dir, tt.opts)
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			if v, _ := cfg.Variant("a"); v.Hostname != tt.want {
				t.Errorf("hostname = %q, want %q", v.Hostname, tt.want)
			}
		})
	}
}

func TestUndeclaredVarFlag(t *testing.T) {
	dir := extract(t, txtar.Parse([]byte("-- isos.hcl --\nvariable \"host\" { default = \"x\" }\nnixpkgs { channel = \"nixos-24.11\" }\nvariant \"a\" {}\n")))
	_, _, diags := load(t, dir, spec.Options{Vars: []spec.VarArg{{Name: "hots", Value: "y"}}})
	if !diags.HasErrors() || !containsText(diags.Error(), `Did you mean "host"?`) {
		t.Fatalf("want an undeclared-variable error with a suggestion, got %v", diags)
	}
}

func TestSeveralFilesAreOneConfiguration(t *testing.T) {
	cfg := loadSource(t, `
-- isos.hcl --
nixpkgs { channel = "nixos-24.11" }
variant "a" { hostname = local.h }
-- more.isos.hcl --
locals { h = "from-other-file" }
variant "b" { inherits = ["a"] }
-- ignored.hcl --
this is not read
`, spec.Options{})
	b, ok := cfg.Variant("b")
	if !ok || b.Hostname != "from-other-file" {
		t.Fatalf("b = %+v", b)
	}
	if !cmp.Equal(cfg.Files, []string{"isos.hcl", "more.isos.hcl"}) {
		t.Errorf("files = %v", cfg.Files)
	}
}

func TestFunctions(t *testing.T) {
	cfg := loadSource(t, `
-- isos.hcl --
nixpkgs { channel = "nixos-24.11" }
variant "a" {
  hostname            = format("%s-%02d", lower("NODE"), 7)
  ssh_authorized_keys = compact(split("\n", file("keys.pub")))
  nix                 = templatefile("motd.tpl", { name = "a" })
  packages            = sort(distinct(["vim", "htop", "vim"]))
}
-- keys.pub --
`+key+`
-- motd.tpl --
users.motd = "hello ${name}";
`, spec.Options{})
	a, _ := cfg.Variant("a")
	if a.Hostname != "node-07" || len(a.SSHKeys) != 1 || a.Nix != "users.motd = \"hello a\";\n" || !cmp.Equal(a.Packages, []string{"htop", "vim"}) {
		t.Errorf("unexpected variant: %+v", a)
	}
}

func TestOverrides(t *testing.T) {
	dir := extract(t, txtar.Parse([]byte("-- isos.hcl --\nnixpkgs { channel = \"nixos-24.11\" }\nvariant \"a\" {}\n-- np/nixos/default.nix --\n{}\n")))
	cfg, _, diags := load(t, dir, spec.Options{Image: "localhost/b:1", NixpkgsPath: filepath.Join(dir, "np")})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if cfg.Runtime.Image != "localhost/b:1" || cfg.Nixpkgs.Path != "np" || cfg.Nixpkgs.Channel != "" {
		t.Errorf("overrides not applied: %+v %+v", cfg.Runtime, cfg.Nixpkgs)
	}
}

func TestNoConfigFiles(t *testing.T) {
	_, _, diags := load(t, t.TempDir(), spec.Options{})
	if !diags.HasErrors() || !containsText(diags.Error(), "isoforge init") {
		t.Fatalf("want a hint to run isoforge init, got %v", diags)
	}
}

func containsText(s, sub string) bool { return strings.Contains(s, sub) }

// FuzzLoad feeds arbitrary text to the whole decode path: it may report
// diagnostics but must never panic.
func FuzzLoad(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/invalid/*.txtar")
	for _, s := range seeds {
		ar, _ := txtar.ParseFile(s)
		for _, file := range ar.Files {
			if file.Name == "isos.hcl" {
				f.Add(file.Data)
			}
		}
	}
	ex, _ := os.ReadFile("../examples/fleet/isos.hcl")
	f.Add(ex)
	f.Fuzz(func(t *testing.T, src []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "isos.hcl"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		_, _ = spec.NewLoader().Load(dir, spec.Options{})
	})
}
