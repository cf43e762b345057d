package spec_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/isoforge/isoforge/spec"
	"github.com/rogpeppe/go-internal/txtar"
)

func TestLineageAndBlock(t *testing.T) {
	cfg := loadSource(t, `
-- isos.hcl --
nixpkgs { channel = "nixos-24.11" }
variant "base" {
  abstract = true
  timezone = "UTC"
}
variant "networked" {
  abstract = true
  inherits = ["base"]
}
variant "site" {
  for_each = toset(["ams"])
  inherits = ["networked"]
}
`, spec.Options{})
	v, ok := cfg.Variant("site-ams")
	if !ok {
		t.Fatalf("variants = %v", cfg.VariantNames())
	}
	if v.Block != "site" || !cmp.Equal(v.Lineage, []string{"networked", "base"}) {
		t.Errorf("Block = %q, Lineage = %v; want site, [networked base]", v.Block, v.Lineage)
	}
}

func TestNothingBuildableWarns(t *testing.T) {
	dir := extract(t, txtar.Parse([]byte(`
-- isos.hcl --
nixpkgs { channel = "nixos-24.11" }
variant "networked" { abstract = true }
`)))
	_, _, diags := load(t, dir, spec.Options{})
	if len(diags) != 1 || diags[0].Severity != hcl.DiagWarning || diags[0].Summary != "Nothing to build" || diags[0].Subject == nil {
		t.Fatalf("diagnostics = %v, want one located warning \"Nothing to build\"", diags)
	}
}
