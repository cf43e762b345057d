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

// TestEditingAScriptRebuildsItsVariant: on real engines, a file reached
// only as "${./a.sh}" from a module is an input: editing it rebuilds
// exactly the variant that uses it.
func TestEditingAScriptRebuildsItsVariant(t *testing.T) {
	for _, e := range runtimetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			os.MkdirAll(filepath.Join(dir, "modules"), 0o755)
			os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte("nixpkgs { path = \"unused\" }\n"+
				"variant \"uses\" { modules = [\"modules/script.nix\"] }\nvariant \"other\" {}\n"), 0o644)
			os.WriteFile(filepath.Join(dir, "modules", "script.nix"), []byte("{ ... }: { boot.kernelParams = [ \"init.script=${./a.sh}\" ]; }\n"), 0o644)
			os.WriteFile(filepath.Join(dir, "modules", "a.sh"), []byte("echo one\n"), 0o644)
			if r := isoforge(t, e, dir, "apply", "-json"); r.code != 0 || r.starts != 2 {
				t.Fatalf("fresh apply: exit %d, %d builds\n%s%s", r.code, r.starts, r.stdout, r.stderr)
			}
			os.WriteFile(filepath.Join(dir, "modules", "a.sh"), []byte("echo two\n"), 0o644)
			r := isoforge(t, e, dir, "apply", "-json")
			// The one build started is uses' (events marshal type, then variant).
			if r.code != 0 || r.starts != 1 || !strings.Contains(r.stdout, `"type":"start","variant":"uses"`) {
				t.Fatalf("editing a.sh: exit %d, %d builds\n%s%s", r.code, r.starts, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, "file modules/a.sh changed") {
				t.Errorf("the rebuild does not name the file:\n%s", r.stdout)
			}
		})
	}
}
