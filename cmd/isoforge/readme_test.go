package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/isoforge/isoforge/spec"
)

// TestReadmeTourValidates keeps the README's tour of isos.hcl a valid
// configuration: it is the first one users copy.
func TestReadmeTourValidates(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)## A tour of `isos.hcl`\n\n```hcl\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no tour of isos.hcl")
	}
	dir := t.TempDir()
	keys, err := os.ReadFile("../../examples/fleet/keys/admins.pub")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"isos.hcl":            m[1],
		"keys/admins.pub":     keys,
		"modules/network.nix": []byte("{ ... }: { networking.firewall.allowedTCPPorts = [ 22 ]; }\n"),
		"files/motd":          []byte("welcome\n"),
	}
	for name, b := range files {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, diags := spec.NewLoader().Load(dir, spec.Options{Env: []string{"ISOFORGE_VAR_wifi_psk=correct horse battery"}})
	if diags.HasErrors() {
		t.Fatalf("the README tour does not validate:\n%s", diags.Error())
	}
	if len(cfg.Variants) != 4 {
		t.Errorf("the tour builds %d variants, want 4 (rescue and three sites)", len(cfg.Variants))
	}
}
