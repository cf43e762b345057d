package spec

import (
	"maps"
	"slices"
)

// Format describes one image format: which NixOS module makes it, which
// attribute nix-build builds, how nixpkgs declares the artifact, and
// which defaults isoforge renders for it.
type Format struct {
	Name string
	// BaseModule is imported from modulesPath; empty when the attribute
	// needs no extra module.
	BaseModule string
	// Attribute is the attribute of nixpkgs' nixos/ that nix-build builds.
	Attribute string
	// Product is the type of the artifact's line in the result's
	// nix-support/hydra-build-products ("file <type> <path>"), where
	// nixpkgs declares what a build produced: "iso" (make-iso9660-image.sh),
	// "qcow2-image" or "raw-image" (make-disk-image.nix: "<format>-image").
	Product string
	// ArtifactDir and ArtifactGlob find the file inside the build result
	// when hydra-build-products has no such line (the fallback, with a
	// warning).
	ArtifactDir  string
	ArtifactGlob string
	// Ext is the file extension of the copied artifact.
	Ext string
	// NeedsKVM is set for formats whose builder boots a VM (make-disk-image).
	NeedsKVM bool
	// MinNixOS is the first NixOS release that has the attribute, if any.
	MinNixOS string
	// Installer is set when BaseModule imports nixpkgs'
	// profiles/installation-device.nix, which turns sshd on
	// (mkDefault) and keeps wpa_supplicant from starting at boot
	// (wantedBy = mkOverride 50 []).
	Installer bool
	// BootDefaults is set for formats built by iso-image.nix alone, whose
	// makeEfiBootable and makeUsbBootable default to false; isoforge
	// renders both as lib.mkDefault true, as installation-cd-base.nix
	// and nixos-generators' formats/iso.nix do.
	BootDefaults bool
	// NetworkManager is set when the base module enables NetworkManager
	// and forces networking.wireless off.
	NetworkManager bool
	Summary        string
}

var formats = map[string]Format{
	"install-iso": {
		Name: "install-iso", BaseModule: "installer/cd-dvd/installation-cd-minimal.nix",
		Attribute: "config.system.build.isoImage", Product: "iso", ArtifactDir: "iso", ArtifactGlob: "*.iso", Ext: ".iso",
		Installer: true,
		Summary:   "minimal NixOS installer ISO (installation-cd-minimal.nix)",
	},
	"install-iso-graphical": {
		Name: "install-iso-graphical", BaseModule: "installer/cd-dvd/installation-cd-graphical-calamares-gnome.nix",
		Attribute: "config.system.build.isoImage", Product: "iso", ArtifactDir: "iso", ArtifactGlob: "*.iso", Ext: ".iso",
		Installer: true, NetworkManager: true,
		Summary: "graphical GNOME installer ISO with Calamares",
	},
	"iso": {
		Name: "iso", BaseModule: "installer/cd-dvd/iso-image.nix",
		Attribute: "config.system.build.isoImage", Product: "iso", ArtifactDir: "iso", ArtifactGlob: "*.iso", Ext: ".iso",
		BootDefaults: true,
		Summary:      "live ISO of your configuration, without the installer profile",
	},
	"qcow": {
		Name: "qcow", Attribute: "config.system.build.images.qemu", Product: "qcow2-image", ArtifactDir: ".", ArtifactGlob: "*.qcow2",
		Ext: ".qcow2", NeedsKVM: true, MinNixOS: "25.05",
		Summary: "QEMU qcow2 disk image (system.build.images.qemu; needs /dev/kvm)",
	},
	"raw": {
		Name: "raw", Attribute: "config.system.build.images.raw", Product: "raw-image", ArtifactDir: ".", ArtifactGlob: "*.img",
		Ext: ".img", NeedsKVM: true, MinNixOS: "25.05",
		Summary: "raw disk image (system.build.images.raw; needs /dev/kvm)",
	},
}

// LookupFormat returns the format with the given name.
func LookupFormat(name string) (Format, bool) {
	f, ok := formats[name]
	return f, ok
}

// FormatNames lists the supported formats, sorted.
func FormatNames() []string {
	return slices.Sorted(maps.Keys(formats))
}
