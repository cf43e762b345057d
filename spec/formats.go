package spec

import (
	"maps"
	"slices"
)

// Format describes one image format: which NixOS module makes it, which
// attribute nix-build builds and where the artifact lies in the result.
type Format struct {
	Name string
	// BaseModule is imported from modulesPath; empty when the attribute
	// needs no extra module.
	BaseModule string
	// Attribute is the attribute of '<nixpkgs/nixos>' that nix-build builds.
	Attribute string
	// ArtifactDir and ArtifactGlob find the file inside the build result.
	ArtifactDir  string
	ArtifactGlob string
	// Ext is the file extension of the copied artifact.
	Ext string
	// NeedsKVM is set for formats whose builder boots a VM (make-disk-image).
	NeedsKVM bool
	// MinNixOS is the first NixOS release that has the attribute, if any.
	MinNixOS string
	Summary  string
}

var formats = map[string]Format{
	"install-iso": {
		Name: "install-iso", BaseModule: "installer/cd-dvd/installation-cd-minimal.nix",
		Attribute: "config.system.build.isoImage", ArtifactDir: "iso", ArtifactGlob: "*.iso", Ext: ".iso",
		Summary: "minimal NixOS installer ISO (installation-cd-minimal.nix)",
	},
	"install-iso-graphical": {
		Name: "install-iso-graphical", BaseModule: "installer/cd-dvd/installation-cd-graphical-calamares-gnome.nix",
		Attribute: "config.system.build.isoImage", ArtifactDir: "iso", ArtifactGlob: "*.iso", Ext: ".iso",
		Summary: "graphical GNOME installer ISO with Calamares",
	},
	"iso": {
		Name: "iso", BaseModule: "installer/cd-dvd/iso-image.nix",
		Attribute: "config.system.build.isoImage", ArtifactDir: "iso", ArtifactGlob: "*.iso", Ext: ".iso",
		Summary: "live ISO of your configuration, without the installer profile",
	},
	"qcow": {
		Name: "qcow", Attribute: "config.system.build.images.qemu", ArtifactDir: ".", ArtifactGlob: "*.qcow2",
		Ext: ".qcow2", NeedsKVM: true, MinNixOS: "25.05",
		Summary: "QEMU qcow2 disk image (system.build.images.qemu; needs /dev/kvm)",
	},
	"raw": {
		Name: "raw", Attribute: "config.system.build.images.raw", ArtifactDir: ".", ArtifactGlob: "*.img",
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
