package spec_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/isoforge/isoforge/spec"
	"github.com/rogpeppe/go-internal/txtar"
)

// TestInputsFromTheSyntaxTree: the files a variant reaches, and the
// warnings for what isoforge cannot follow.
func TestInputsFromTheSyntaxTree(t *testing.T) {
	dir := extract(t, txtar.Parse([]byte(`
-- isos.hcl --
nixpkgs { channel = "nixos-24.11" }
variant "a" {
  modules      = ["modules/a.nix"]
  extra_inputs = ["data/*.txt"]
  nix          = <<-EOT
    environment.etc."m".source = src + "/data/motd";
    environment.etc."w".source = ./wrong;
  EOT
}
-- modules/a.nix --
{ name, ... }: {
  imports = [ ./b.nix ];
  x = "${./files}";
  y = ./. + "/dyn";
  z = ./dir/${name};
}
-- modules/b.nix --
{ ... }: { }
-- modules/files/one --
1
-- modules/files/sub/two --
2
-- data/motd --
m
-- data/x.txt --
x
-- data/y.md --
y
`)))
	cfg, _, diags := load(t, dir, spec.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	v, _ := cfg.Variant("a")
	want := []string{"data/motd", "data/x.txt", "modules/a.nix", "modules/b.nix", "modules/files/one", "modules/files/sub/two"}
	if d := cmp.Diff(want, v.Inputs); d != "" {
		t.Errorf("inputs (-want +got):\n%s", d)
	}
	var warnings []string
	for _, d := range diags {
		if d.Severity == hcl.DiagWarning {
			warnings = append(warnings, d.Summary+" @ "+d.Subject.String()[strings.LastIndex(d.Subject.String(), "/")+1:])
		}
	}
	wantWarn := []string{
		"Relative path in the nix attribute @ isos.hcl:7,34-35",
		"Input isoforge cannot follow @ a.nix:4,7-8",
		"Input isoforge cannot follow @ a.nix:5,7-8",
	}
	if d := cmp.Diff(wantWarn, warnings); d != "" {
		t.Errorf("warnings (-want +got):\n%s", d)
	}
}
