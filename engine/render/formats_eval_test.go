package render_test

import (
	"fmt"
	"testing"

	"github.com/isoforge/isoforge/engine/render"
	"github.com/isoforge/isoforge/spec"
)

// imageEval is what the stand-in reports for one system.build.images
// variant, plus the attribute's store path name.
type imageEval struct {
	DiskSize        any      `json:"diskSize"`
	KernelParams    []string `json:"kernelParams"`
	MakeEfiBootable *bool    `json:"makeEfiBootable"`
	Name            string   `json:"drvName"`
	FilePath        string   `json:"filePath"`
	Features        []string `json:"features"`
}

// evalAttribute evaluates the rendered module with the stand-in on the
// real module system and reports on the format's attribute.
func evalAttribute(t *testing.T, module []byte, attr string) imageEval {
	t.Helper()
	var r imageEval
	evalWithStandin(t, module, func(standin string) string {
		return fmt.Sprintf(`let
  c = (import %s/nixos { configuration = ./iso.nix; system = "x86_64-linux"; }).%s;
in
  builtins.fromJSON c.report // {
    drvName = c.name;
    filePath = c.passthru.filePath or "";
    features = c.requiredSystemFeatures or [ ];
  }`, standin, attr)
	}, &r)
	return r
}

// TestEveryFormatEvaluates renders a variant of every format, with
// disk_size where the format takes it, and evaluates the attribute isoforge
// builds with the stand-in on the real module system: disk_size reaches
// virtualisation.diskSize inside the image module (the option does not
// exist at top level), VM formats require the kvm feature, and the file
// has the format's extension.
func TestEveryFormatEvaluates(t *testing.T) {
	for _, name := range spec.FormatNames() {
		t.Run(name, func(t *testing.T) {
			f, _ := spec.LookupFormat(name)
			v := spec.Variant{Name: "v", Format: name, System: "x86_64-linux", KernelParams: []string{"console=ttyS0"}}
			if f.DiskSize {
				v.DiskSize = "2048"
			}
			if f.NetworkManager || f.Name == "install-iso-graphical" {
				t.Skip("the graphical installer is checked by the ISO tests")
			}
			r := evalAttribute(t, render.Module(v, render.Options{}), f.Attribute)
			if f.DiskSize && r.DiskSize != float64(2048) {
				t.Errorf("virtualisation.diskSize = %v, want 2048", r.DiskSize)
			}
			if wantKVM := f.NeedsKVM; wantKVM != (len(r.Features) == 1 && r.Features[0] == "kvm") {
				t.Errorf("requiredSystemFeatures = %v, NeedsKVM %v", r.Features, f.NeedsKVM)
			}
			if f.ImageVariant() != "" && !hasSuffix(r.FilePath, f.Ext) {
				t.Errorf("image file %q does not end in %q", r.FilePath, f.Ext)
			}
			if len(r.KernelParams) == 0 {
				t.Errorf("kernelParams lost: %v", r.KernelParams)
			}
		})
	}
}

// TestEFIOnISO: efi = false turns off isoImage.makeEfiBootable over the
// installer's plain true and isoforge's mkDefault for iso.
func TestEFIOnISO(t *testing.T) {
	off := false
	for _, name := range []string{"iso", "iso-installer"} {
		v := spec.Variant{Name: "v", Format: name, System: "x86_64-linux", EFI: &off}
		f, _ := spec.LookupFormat(name)
		r := evalAttribute(t, render.Module(v, render.Options{}), f.Attribute)
		if r.MakeEfiBootable == nil || *r.MakeEfiBootable {
			t.Errorf("%s with efi = false: makeEfiBootable = %v", name, deref(r.MakeEfiBootable))
		}
	}
}

func hasSuffix(s, suffix string) bool {
	return len(s) >= len(suffix) && s[len(s)-len(suffix):] == suffix
}
