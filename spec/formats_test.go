package spec_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/isoforge/isoforge/spec"
	"github.com/rogpeppe/go-internal/txtar"
)

// loadVariant loads one variant "v" with the given body under a channel.
func loadVariant(t *testing.T, channel, body string) (*spec.Config, hcl.Diagnostics) {
	t.Helper()
	src := fmt.Sprintf("-- isos.hcl --\nnixpkgs { channel = %q }\nvariant \"v\" {\n%s\n}\n", channel, body)
	dir := extract(t, txtar.Parse([]byte(src)))
	cfg, _, diags := load(t, dir, spec.Options{})
	return cfg, diags
}

func TestFormatAliases(t *testing.T) {
	aliases := spec.FormatAliases()
	if len(aliases) < 8 {
		t.Fatalf("only %d aliases: %v", len(aliases), aliases)
	}
	for alias, canonical := range aliases {
		t.Run(alias, func(t *testing.T) {
			cfg, diags := loadVariant(t, "nixos-25.05", fmt.Sprintf("format = %q", alias))
			if diags.HasErrors() {
				t.Fatalf("alias %q: %s", alias, diags.Error())
			}
			v, _ := cfg.Variant("v")
			if v.Format != canonical {
				t.Errorf("format = %q, want the canonical %q", v.Format, canonical)
			}
			if len(diags) != 1 || diags[0].Severity != hcl.DiagWarning || !strings.Contains(diags[0].Detail, `"`+canonical+`"`) {
				t.Errorf("want one warning naming %q, got %v", canonical, diags)
			}
			f, _ := spec.LookupFormat(alias)
			if v.FileName != "v"+f.Ext {
				t.Errorf("file name %q, want v%s", v.FileName, f.Ext)
			}
		})
	}
}

func TestFormatNeedsNewerNixOS(t *testing.T) {
	for _, name := range spec.FormatNames() {
		f, _ := spec.LookupFormat(name)
		_, diags := loadVariant(t, "nixos-24.11", fmt.Sprintf("format = %q\nsystem = %q", name, systemFor(f)))
		if f.MinNixOS == "" {
			if diags.HasErrors() {
				t.Errorf("%s on 24.11: %s", name, diags.Error())
			}
			continue
		}
		if all := allDiags(diags); !diags.HasErrors() || !strings.Contains(all, f.MinNixOS) || !strings.Contains(all, "24.11") {
			t.Errorf("%s on 24.11: want an error naming %s and 24.11, got %v", name, f.MinNixOS, diags)
		}
	}
}

func allDiags(diags hcl.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.Summary + ": " + d.Detail + "\n")
	}
	return b.String()
}

func systemFor(f spec.Format) string {
	if len(f.Systems) > 0 {
		return f.Systems[0]
	}
	return spec.DefaultSystem
}

func TestFormatSettings(t *testing.T) {
	tests := []struct {
		body               string
		format, system     string
		diskSize, errorHas string
	}{
		{body: `format = "qemu"` + "\nefi = true", format: "qemu-efi"},
		{body: `format = "qemu-efi"` + "\nefi = false", format: "qemu"},
		{body: `format = "raw"` + "\nefi = true", format: "raw-efi"},
		{body: `format = "qcow"` + "\nefi = true", format: "qemu-efi"},
		{body: `format = "iso"` + "\nefi = false", format: "iso"},
		{body: `format = "hyperv"` + "\nefi = false", errorHas: "always boots with UEFI"},
		{body: `format = "qemu-efi"` + "\ndisk_size = 8192", format: "qemu-efi", diskSize: "8192"},
		{body: `format = "proxmox"` + "\ndisk_size = \"auto\"", format: "proxmox", diskSize: "auto"},
		{body: `format = "raw"` + "\ndisk_size = \"0\"", errorHas: "Invalid disk_size"},
		{body: `format = "raw"` + "\ndisk_size = \"8G\"", errorHas: "Invalid disk_size"},
		{body: `format = "raw"` + "\ndisk_size = 99999999999", errorHas: "Invalid disk_size"},
		{body: `format = "iso"` + "\ndisk_size = 8192", errorHas: "disk_size needs a disk image format"},
		{body: `format = "kubevirt"` + "\ndisk_size = 8192", errorHas: "disk_size needs a disk image format"},
		{body: `format = "sd-card"` + "\nsystem = \"i686-linux\"", errorHas: "aarch64-linux and x86_64-linux"},
		{body: `format = "sd-aarch64"`, format: "sd-card", system: "aarch64-linux"},
		{body: `format = "sd-x86_64"`, format: "sd-card", system: "x86_64-linux"},
		{body: `format = "sd-aarch64"` + "\nsystem = \"x86_64-linux\"", errorHas: "System contradicts the format"},
		{body: `format = "qemu-efy"`, errorHas: `Did you mean "qemu-efi"?`},
		{body: `format = "azure"` + "\niso_label = \"X\"", errorHas: "iso_label needs an ISO format"},
	}
	for _, tt := range tests {
		t.Run(strings.ReplaceAll(tt.body, "\n", ";"), func(t *testing.T) {
			cfg, diags := loadVariant(t, "nixos-25.05", tt.body)
			if tt.errorHas != "" {
				if !diags.HasErrors() || !strings.Contains(allDiags(diags), tt.errorHas) {
					t.Fatalf("want an error with %q, got %v", tt.errorHas, diags)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			v, _ := cfg.Variant("v")
			if v.Format != tt.format || v.DiskSize != tt.diskSize {
				t.Errorf("format %q disk_size %q, want %q %q", v.Format, v.DiskSize, tt.format, tt.diskSize)
			}
			if tt.system != "" && v.System != tt.system {
				t.Errorf("system %q, want %q", v.System, tt.system)
			}
		})
	}
}

// TestFormatTable keeps the table consistent: every entry names itself,
// aliases are unique and never shadow a format, EFI twins point at each
// other, and every format has what docs and the build script need.
func TestFormatTable(t *testing.T) {
	seen := map[string]string{}
	for _, name := range spec.FormatNames() {
		f, _ := spec.LookupFormat(name)
		if f.Name != name || f.Attribute == "" || f.Ext == "" || f.ArtifactGlob == "" || f.Summary == "" || f.BuildTime == "" {
			t.Errorf("%s: incomplete entry %+v", name, f)
		}
		if !strings.HasSuffix(f.ArtifactGlob, f.Ext) {
			t.Errorf("%s: glob %q does not end in %q", name, f.ArtifactGlob, f.Ext)
		}
		for a := range f.Aliases {
			if _, ok := spec.LookupFormat(a); !ok || seen[a] != "" || contains(spec.FormatNames(), a) {
				t.Errorf("alias %q of %s is ambiguous", a, name)
			}
			seen[a] = name
		}
		if f.EFITwin != "" {
			twin, ok := spec.LookupFormat(f.EFITwin)
			if !ok || twin.EFITwin != name || twin.EFI == f.EFI || twin.Product != f.Product {
				t.Errorf("%s: EFI twin %q does not pair back", name, f.EFITwin)
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
