package runtimetest_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/isoforge/isoforge/runtimes/runtimetest"
)

// TestStandinImages checks the stand-in's system.build.images variants:
// where each writes its file (passthru.filePath, as nixos/modules/image/
// images.nix sets it) and which need KVM.
func TestStandinImages(t *testing.T) {
	nix := needNix(t)
	standin := runtimetest.StandinPath(t)
	if _, err := os.Stat(filepath.Join(standin, "lib", "default.nix")); err != nil {
		t.Skip("the stand-in has no real nixpkgs lib (see the log line above)")
	}
	const label = "26.11pre-git"
	tests := []struct {
		variant, filePath string
		kvm               bool
	}{
		{"iso-installer", "iso/nixos-" + label + "-x86_64-linux.iso", false},
		{"iso", "iso/nixos-" + label + "-x86_64-linux.iso", false},
		{"qemu", "nixos-image-qcow2-" + label + "-x86_64-linux.qcow2", true},
		{"qemu-efi", "nixos-image-efi-qcow2-" + label + "-x86_64-linux.qcow2", true},
		{"raw", "nixos-image-raw-" + label + "-x86_64-linux.img", true},
		{"raw-efi", "nixos-image-efi-raw-" + label + "-x86_64-linux.img", true},
		{"sd-card", "sd-image/nixos-image-sd-card-" + label + "-x86_64-linux.img.zst", false},
		{"kexec", "tarball/nixos-image-kexec-" + label + "-x86_64-linux.tar.xz", false},
		{"proxmox", "vzdump-qemu-nixos-" + label + ".vma.zst", true},
		{"lxc", "tarball/nixos-image-lxc-" + label + "-x86_64-linux.tar.xz", false},
		{"proxmox-lxc", "tarball/nixos-image-lxc-proxmox-" + label + "-x86_64-linux.tar.xz", false},
		{"amazon", "nixos-image-amazon-" + label + "-x86_64-linux.vhd", true},
		{"azure", "nixos-image-azure-" + label + "-x86_64-linux.vhd", true},
		{"digital-ocean", "nixos-image-digital-ocean-" + label + "-x86_64-linux.qcow2.gz", true},
		{"google-compute", "nixos-image-google-compute-" + label + "-x86_64-linux.raw.tar.gz", true},
		{"openstack", "nixos-image-openstack-" + label + "-x86_64-linux.qcow2", true},
		{"kubevirt", "nixos-image-kubevirt-" + label + "-x86_64-linux.qcow2", true},
		{"hyperv", "nixos-image-hyperv-" + label + "-x86_64-linux.vhdx", true},
		{"vmware", "nixos-image-vmware-" + label + "-x86_64-linux.vmdk", true},
		{"virtualbox", "nixos-image-virtualbox-" + label + "-x86_64-linux.ova", true},
	}
	mod := `{ pkgs, ... }: { system.stateVersion = "26.11"; environment.systemPackages = [ pkgs.htop ]; }`
	for _, tc := range tests {
		t.Run(tc.variant, func(t *testing.T) {
			out, stderr, err := evalStandin(t, nix, standin, []string{mod}, `let i = config.system.build.images.`+tc.variant+`; in {
				filePath = i.passthru.filePath;
				features = i.requiredSystemFeatures or [ ];
				drv = i.drvPath != "";
			}`)
			if err != nil {
				t.Fatalf("evaluation failed: %v\n%s", err, stderr)
			}
			var got struct {
				FilePath string   `json:"filePath"`
				Features []string `json:"features"`
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("decoding %s: %v", out, err)
			}
			var wantFeatures []string
			if tc.kvm {
				wantFeatures = []string{"kvm"}
			}
			if got.FilePath != tc.filePath {
				t.Errorf("filePath = %s, want %s", got.FilePath, tc.filePath)
			}
			if len(got.Features) == 0 {
				got.Features = nil
			}
			if !reflect.DeepEqual(got.Features, wantFeatures) {
				t.Errorf("requiredSystemFeatures = %v, want %v", got.Features, wantFeatures)
			}
		})
	}
}

// TestStandinImagesEmptyWithImageModule: as in nixpkgs, a configuration
// that already builds an image (here the installer ISO) has no images.
func TestStandinImagesEmptyWithImageModule(t *testing.T) {
	nix := needNix(t)
	standin := runtimetest.StandinPath(t)
	if _, err := os.Stat(filepath.Join(standin, "lib", "default.nix")); err != nil {
		t.Skip("the stand-in has no real nixpkgs lib (see the log line above)")
	}
	out, stderr, err := evalStandin(t, nix, standin, []string{installer}, `builtins.attrNames config.system.build.images`)
	if err != nil {
		t.Fatalf("evaluation failed: %v\n%s", err, stderr)
	}
	if string(out) != "[]" {
		t.Errorf("system.build.images = %s, want none beside system.build.image", out)
	}
}
