package plan_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/isoforge/isoforge/engine/fingerprint"
	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/engine/plan"
	"github.com/isoforge/isoforge/spec"
)

const baseConfig = `
locals {
  base = ["htop", "git"]
}

nixpkgs {
  channel = "nixos-24.11"
}

defaults {
  packages = local.base
}

variant "rescue" {}

variant "site" {
  for_each = toset(["ams", "fra"])
  hostname = "installer-${each.key}"
  modules  = ["modules/net.nix"]
}
`

var pin = lockfile.Pin{Channel: "nixos-24.11", Rev: strings.Repeat("a", 40)}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func loadConfig(t *testing.T, dir string) *spec.Config {
	t.Helper()
	cfg, diags := spec.NewLoader().Load(dir, spec.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return cfg
}

// built plays a whole apply: every variant gets an artifact and a lock
// entry, as after a successful build.
func built(t *testing.T, dir string) *lockfile.Lock {
	t.Helper()
	cfg := loadConfig(t, dir)
	lock := lockfile.New()
	lock.SetPin(pin)
	p, err := plan.Build(cfg, lock, pin, fingerprint.LoadStatCache(""), plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range p.Actions {
		path := filepath.Join(dir, a.Artifact)
		os.MkdirAll(filepath.Dir(path), 0o755)
		os.WriteFile(path, []byte("iso of "+a.Variant), 0o644)
		sum, size, _ := fingerprint.FileSum(path)
		lock.SetVariant(a.Variant, lockfile.Entry{InputsHash: a.Inputs.Hash, Format: a.Spec.Format, Artifact: a.Artifact, SHA256: sum, Size: size, Inputs: a.Inputs.Inputs})
	}
	return lock
}

type want struct {
	kind   plan.Kind
	reason string
}

func TestPlanDecisions(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, dir string)
		pin    lockfile.Pin
		opts   plan.Options
		want   map[string]want
	}{
		{
			name: "nothing changed",
			want: map[string]want{"rescue": {plan.NoOp, ""}, "site-ams": {plan.NoOp, ""}, "site-fra": {plan.NoOp, ""}},
		},
		{
			name: "reformatted, reordered and refactored isos.hcl",
			change: func(t *testing.T, dir string) {
				writeFiles(t, dir, map[string]string{"isos.hcl": `
variable "pkg_list" {
  default = ["htop", "git"]
}
variant "site" {
    for_each = toset( [ "fra", "ams" ] )
    modules = [ "./modules/../modules/net.nix" ]
    hostname = format("installer-%s", each.key)
}
defaults { packages = var.pkg_list }
variant "rescue" {
}
nixpkgs { channel = "nixos-24.11" }
`})
			},
			want: map[string]want{"rescue": {plan.NoOp, ""}, "site-ams": {plan.NoOp, ""}, "site-fra": {plan.NoOp, ""}},
		},
		{
			name: "a test block added to the defaults changes no image",
			change: func(t *testing.T, dir string) {
				writeFiles(t, dir, map[string]string{"isos.hcl": strings.Replace(baseConfig, `defaults {`,
					"defaults {\n  test {\n    boot_timeout = \"5m\"\n    commands = [\"true\"]\n  }", 1)})
			},
			want: map[string]want{"rescue": {plan.NoOp, ""}, "site-ams": {plan.NoOp, ""}, "site-fra": {plan.NoOp, ""}},
		},
		{
			name: "one package in one variant",
			change: func(t *testing.T, dir string) {
				writeFiles(t, dir, map[string]string{"isos.hcl": strings.Replace(baseConfig, `variant "rescue" {}`, `variant "rescue" { packages = ["htop", "git", "ddrescue"] }`, 1)})
			},
			want: map[string]want{"rescue": {plan.Rebuild, "packages changed"}, "site-ams": {plan.NoOp, ""}, "site-fra": {plan.NoOp, ""}},
		},
		{
			name: "a module file only the sites import",
			change: func(t *testing.T, dir string) {
				writeFiles(t, dir, map[string]string{"modules/net.nix": "{ ... }: { imports = [ ./common.nix ]; networking.firewall.enable = false; }\n"})
			},
			want: map[string]want{"rescue": {plan.NoOp, ""}, "site-ams": {plan.Rebuild, "file modules/net.nix changed"}, "site-fra": {plan.Rebuild, "file modules/net.nix changed"}},
		},
		{
			name: "a file a module imports",
			change: func(t *testing.T, dir string) {
				writeFiles(t, dir, map[string]string{"modules/common.nix": "{ ... }: { time.timeZone = \"UTC\"; }\n"})
			},
			want: map[string]want{"rescue": {plan.NoOp, ""}, "site-ams": {plan.Rebuild, "file modules/common.nix changed"}, "site-fra": {plan.Rebuild, "file modules/common.nix changed"}},
		},
		{
			name: "a new nixpkgs pin",
			pin:  lockfile.Pin{Channel: "nixos-24.11", Rev: strings.Repeat("b", 40)},
			want: map[string]want{"rescue": {plan.Rebuild, "nixpkgs pin changed"}, "site-ams": {plan.Rebuild, "nixpkgs pin changed"}, "site-fra": {plan.Rebuild, "nixpkgs pin changed"}},
		},
		{
			name:   "an artifact deleted",
			change: func(t *testing.T, dir string) { os.Remove(filepath.Join(dir, "out", "site-fra.iso")) },
			want:   map[string]want{"rescue": {plan.NoOp, ""}, "site-ams": {plan.NoOp, ""}, "site-fra": {plan.Rebuild, "drift: out/site-fra.iso is missing"}},
		},
		{
			name: "an artifact corrupted",
			change: func(t *testing.T, dir string) {
				os.WriteFile(filepath.Join(dir, "out", "rescue.iso"), []byte("tampered"), 0o644)
			},
			opts: plan.Options{Verify: true},
			want: map[string]want{"rescue": {plan.Rebuild, "drift: out/rescue.iso no longer matches its sha256"}, "site-ams": {plan.NoOp, ""}, "site-fra": {plan.NoOp, ""}},
		},
		{
			name: "a variant removed",
			change: func(t *testing.T, dir string) {
				writeFiles(t, dir, map[string]string{"isos.hcl": strings.Replace(baseConfig, `variant "rescue" {}`, "", 1)})
			},
			want: map[string]want{"rescue": {plan.Remove, "no longer in the configuration (artifact out/rescue.iso kept; -prune deletes it)"}, "site-ams": {plan.NoOp, ""}, "site-fra": {plan.NoOp, ""}},
		},
		{
			name: "format changed",
			change: func(t *testing.T, dir string) {
				writeFiles(t, dir, map[string]string{"isos.hcl": strings.Replace(baseConfig, `variant "rescue" {}`, `variant "rescue" { format = "iso" }`, 1)})
			},
			want: map[string]want{"rescue": {plan.Rebuild, "format changed"}, "site-ams": {plan.NoOp, ""}, "site-fra": {plan.NoOp, ""}},
		},
		{
			name: "-target and -replace",
			opts: plan.Options{Targets: []string{"site-*"}, Replace: []string{"site-ams"}},
			want: map[string]want{"site-ams": {plan.Rebuild, "forced by -replace"}, "site-fra": {plan.NoOp, ""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{
				"isos.hcl":           baseConfig,
				"modules/net.nix":    "{ ... }: { imports = [ ./common.nix ]; }\n",
				"modules/common.nix": "{ ... }: { }\n",
			})
			lock := built(t, dir)
			if tt.change != nil {
				tt.change(t, dir)
			}
			p := pin
			if tt.pin.Rev != "" {
				p = tt.pin
			}
			pl, err := plan.Build(loadConfig(t, dir), lock, p, fingerprint.LoadStatCache(""), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]want{}
			for _, a := range pl.Actions {
				got[a.Variant] = want{a.Kind, strings.Join(a.Reasons, "; ")}
			}
			if d := cmp.Diff(tt.want, got, cmp.AllowUnexported(want{})); d != "" {
				t.Errorf("plan (-want +got):\n%s", d)
			}
		})
	}
}

func TestUnknownTargetIsAnError(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"isos.hcl": baseConfig, "modules/net.nix": "{ }"})
	_, err := plan.Build(loadConfig(t, dir), lockfile.New(), pin, fingerprint.LoadStatCache(""), plan.Options{Targets: []string{"stie-*"}})
	if err == nil || !strings.Contains(err.Error(), "matches no variant") {
		t.Fatalf("err = %v", err)
	}
}

func TestHashIgnoresCheckoutLocation(t *testing.T) {
	hashes := map[string]bool{}
	for i := 0; i < 2; i++ {
		dir := filepath.Join(t.TempDir(), strings.Repeat("x", i+1))
		writeFiles(t, dir, map[string]string{"isos.hcl": baseConfig, "modules/net.nix": "{ }"})
		cfg := loadConfig(t, dir)
		v, _ := cfg.Variant("site-ams")
		_, res, err := plan.Inputs(cfg, v, pin, plan.Options{})
		if err != nil {
			t.Fatal(err)
		}
		hashes[res.Hash] = true
	}
	if len(hashes) != 1 {
		t.Errorf("the inputs hash depends on where the configuration lives: %v", hashes)
	}
}
