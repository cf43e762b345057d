package spec

import (
	"maps"
	"slices"
	"strings"
)

// Format describes one image format: which NixOS module makes it, which
// attribute nix-build builds, how nixpkgs declares the artifact, and
// which defaults isoforge renders for it. The table is formatTable
// (formats_table.go); docs/formats.md is generated from it.
type Format struct {
	Name string
	// Aliases maps older names (isoforge's own, nixos-generators') to a
	// one-line hint shown when a variant uses them.
	Aliases map[string]string
	// AliasSystems maps aliases that name a system too ("sd-aarch64") to
	// that system.
	AliasSystems map[string]string
	// BaseModule is imported from modulesPath; empty when the attribute
	// needs no extra module.
	BaseModule string
	// Attribute is the attribute of nixpkgs' nixos/ that nix-build builds.
	Attribute string
	// Product is the type of the artifact's line in the result's
	// nix-support/hydra-build-products ("file <type> <path>"), where
	// nixpkgs declares what a build produced: "iso" (make-iso9660-image.sh),
	// "qcow2-image" or "raw-image" (make-disk-image.nix: "<format>-image").
	// Empty when nixpkgs declares no line for the final file (a postVM
	// converts make-disk-image's raw file and deletes it, leaving a
	// stale "raw-image" line): the build script then finds the file by
	// ArtifactDir and ArtifactGlob, without a warning.
	Product string
	// ArtifactDir and ArtifactGlob find the file inside the build result
	// when hydra-build-products has no such line.
	ArtifactDir  string
	ArtifactGlob string
	// Ext is the file extension of the copied artifact, compression
	// included (".img.zst", ".vma.zst").
	Ext string
	// NeedsKVM is set for formats whose builder boots a VM
	// (make-disk-image.nix through vmTools.runInLinuxVM, which sets
	// requiredSystemFeatures = [ "kvm" ]).
	NeedsKVM bool
	// MinNixOS is the first NixOS release that has the attribute, if any.
	MinNixOS string
	// Systems lists the systems nixpkgs builds the format for; empty
	// means any.
	Systems []string
	// Installer is set when BaseModule imports nixpkgs'
	// profiles/installation-device.nix, which turns sshd on
	// (mkDefault) and keeps wpa_supplicant from starting at boot
	// (wantedBy = mkOverride 50 []).
	Installer bool
	// SSHD is set when the format's nixpkgs module turns sshd on by
	// itself (installer profile, cloud images).
	SSHD bool
	// BootDefaults is set for formats built by iso-image.nix alone, whose
	// makeEfiBootable and makeUsbBootable default to false; isoforge
	// renders both as lib.mkDefault true, as installation-cd-base.nix
	// and nixos-generators' formats/iso.nix do.
	BootDefaults bool
	// EFI says whether the image boots with UEFI. EFITwin names the
	// format that differs only in that (qemu and qemu-efi): the efi
	// attribute picks between the two.
	EFI     bool
	EFITwin string
	// DiskSize is set when the format's module imports nixpkgs'
	// virtualisation/disk-size-option.nix, so disk_size can set
	// virtualisation.diskSize.
	DiskSize bool
	// NetworkManager is set when the base module enables NetworkManager
	// and forces networking.wireless off.
	NetworkManager bool
	// BuildTime is the order of magnitude of a real build on a cold
	// store, for docs/formats.md.
	BuildTime string
	Summary   string
}

// ImageVariant is the name of the format in nixpkgs'
// system.build.images, or "" for formats built by another attribute.
func (f Format) ImageVariant() string {
	v, ok := strings.CutPrefix(f.Attribute, "config.system.build.images.")
	if !ok {
		return ""
	}
	return v
}

// ISO reports whether the format builds an ISO 9660 image.
func (f Format) ISO() bool { return f.Product == "iso" }

// LookupFormat returns the format with the given name or alias; the
// returned Format's Name is always the canonical name.
func LookupFormat(name string) (Format, bool) {
	f, _, ok := resolveFormat(name)
	return f, ok
}

// resolveFormat returns the format and, when name is an alias, its hint.
func resolveFormat(name string) (Format, string, bool) {
	if f, ok := formatTable[name]; ok {
		return f, "", true
	}
	for _, f := range formatTable {
		if hint, ok := f.Aliases[name]; ok {
			return f, hint, true
		}
	}
	return Format{}, "", false
}

// FormatNames lists the canonical format names, sorted.
func FormatNames() []string {
	return slices.Sorted(maps.Keys(formatTable))
}

// FormatAliases maps every alias to its canonical format name.
func FormatAliases() map[string]string {
	out := map[string]string{}
	for name, f := range formatTable {
		for a := range f.Aliases {
			out[a] = name
		}
	}
	return out
}
