package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isoforge/isoforge/runtimes/runtimetest"
)

// TestBuildErrorsInUsersTerms: on real engines with real nix-build and the
// stand-in on the real module system, an unknown option in a nix body
// fails the build with the option, the variant and isos.hcl named, never
// the builder's /isoforge/work/iso.nix; -show-trace reaches nix-build; the
// good variant's artifact is found through hydra-build-products.
func TestBuildErrorsInUsersTerms(t *testing.T) {
	for _, e := range runtimetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			src := "nixpkgs { path = \"unused\" }\n" +
				"variant \"good\" {}\n" +
				"variant \"bad\" {\n  nix = <<-EOT\n    services.bogus.enable = true;\n  EOT\n}\n"
			os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(src), 0o644)
			r := isoforge(t, e, dir, "apply")
			if r.code != 1 {
				t.Fatalf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
			}
			out := r.stdout + r.stderr
			for _, want := range []string{"services.bogus", "does not exist", "isos.hcl:4 (variant bad, attribute nix)", "isoforge apply -show-trace"} {
				if !strings.Contains(out, want) {
					t.Errorf("the failure does not say %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, "/isoforge/work") {
				t.Errorf("the failure names the builder's paths:\n%s", out)
			}
			good, err := os.ReadFile(filepath.Join(dir, ".isoforge", "logs", "good.log"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(good), "isoforge: copying /nix/store/") || strings.Contains(string(good), "declares no") {
				t.Errorf("the artifact was not taken from hydra-build-products:\n%s", good)
			}

			r = isoforge(t, e, dir, "apply", "-show-trace")
			out = r.stdout + r.stderr
			if r.code != 1 || strings.Contains(out, "isoforge apply -show-trace") || !strings.Contains(out, "while evaluating") {
				t.Errorf("-show-trace did not reach nix-build (exit %d):\n%s", r.code, out)
			}
			checkLockMatches(t, dir)
		})
	}
}
