package plan_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/isoforge/isoforge/engine/plan"
)

// reachConfig gives each variant one way of reaching a file, so editing
// that file must rebuild exactly that variant.
const reachConfig = `nixpkgs {
  channel = "nixos-24.11"
}

variant "literal"   { modules = ["m/literal.nix"] }
variant "interp"    { modules = ["m/interp.nix"] }
variant "dir"       { modules = ["m/dir.nix"] }
variant "importdir" { modules = ["m/importdir.nix"] }
variant "readfile"  { modules = ["m/readfile.nix"] }
variant "let"       { modules = ["m/let.nix"] }
variant "nested"    { modules = ["m/outer.nix"] }
variant "extra" {
  modules      = ["m/dynamic.nix"]
  extra_inputs = ["data/dyn/**"]
}
variant "body" {
  nix = <<-EOT
    environment.etc."motd".source = src + "/data/motd";
  EOT
}
variant "none" {}
`

var reachFiles = map[string]string{
	"m/literal.nix":       "{ ... }: { environment.etc.\"a\".source = ./files/literal.txt; }",
	"m/interp.nix":        "{ ... }: { systemd.services.x.script = \"${./files/a.sh}\"; }",
	"m/dir.nix":           "{ ... }: { environment.etc.\"d\".source = \"${./files/tree}\"; }",
	"m/importdir.nix":     "{ ... }: { imports = [ (import ./sub) ]; }",
	"m/sub/default.nix":   "{ ... }: { networking.domain = \"sub\"; }",
	"m/readfile.nix":      "{ ... }: { users.motd = builtins.readFile ./files/motd.txt; }",
	"m/let.nix":           "{ ... }: let f = ./files/let.txt; in { environment.etc.\"l\".source = f; }",
	"m/outer.nix":         "{ ... }: { imports = [ ./inner.nix ]; }",
	"m/inner.nix":         "{ ... }: { environment.etc.\"n\".source = ./files/nested.txt; }",
	"m/dynamic.nix":       "{ ... }: { environment.etc.\"x\".source = ../data/dyn + \"/x.txt\"; }",
	"data/dyn/x.txt":      "x",
	"data/motd":           "motd",
	"m/files/literal.txt": "1",
	"m/files/a.sh":        "echo a",
	"m/files/tree/deep/f": "f",
	"m/files/motd.txt":    "hi",
	"m/files/let.txt":     "let",
	"m/files/nested.txt":  "n",
	"unrelated.txt":       "u",
}

// hashes computes every variant's inputs hash.
func hashes(t *testing.T, dir string) map[string]string {
	t.Helper()
	cfg := loadConfig(t, dir)
	out := map[string]string{}
	for _, v := range cfg.Variants {
		_, res, err := plan.Inputs(cfg, v, pin, plan.Options{})
		if err != nil {
			t.Fatal(err)
		}
		out[v.Name] = res.Hash
	}
	return out
}

func changed(before, after map[string]string) []string {
	var out []string
	for n, h := range after {
		if before[n] != h {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func TestEditingAReachedFileRebuildsExactlyItsVariants(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"m/files/literal.txt", []string{"literal"}},
		{"m/files/a.sh", []string{"interp"}},
		{"m/files/tree/deep/f", []string{"dir"}},
		{"m/sub/default.nix", []string{"importdir"}},
		{"m/files/motd.txt", []string{"readfile"}},
		{"m/files/let.txt", []string{"let"}},
		{"m/files/nested.txt", []string{"nested"}},
		{"data/dyn/x.txt", []string{"extra"}},
		{"data/motd", []string{"body"}},
		{"unrelated.txt", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			dir := reachDir(t)
			before := hashes(t, dir)
			writeFiles(t, dir, map[string]string{tt.file: reachFiles[tt.file] + "\n# edited"})
			if got := changed(before, hashes(t, dir)); !slices.Equal(got, tt.want) {
				t.Errorf("editing %s changed %v, want %v", tt.file, got, tt.want)
			}
		})
	}
	t.Run("reformat", func(t *testing.T) {
		dir := reachDir(t)
		before := hashes(t, dir)
		re := strings.ReplaceAll(reachConfig, "   {", " {")
		re = strings.ReplaceAll(re, "\nvariant", "\n\n# moved\nvariant")
		os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(re), 0o644)
		if got := changed(before, hashes(t, dir)); len(got) != 0 {
			t.Errorf("reformatting isos.hcl changed %v", got)
		}
	})
}

// reachDir writes reachConfig and reachFiles to a new directory.
func reachDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"isos.hcl": reachConfig})
	writeFiles(t, dir, reachFiles)
	return dir
}
