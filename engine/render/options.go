package render

import (
	"fmt"
	"strings"

	"github.com/isoforge/isoforge/spec"
)

// renderer writes the NixOS definitions of one variant attribute.
type renderer func(w *writer, v spec.Variant, f spec.Format)

// renderers says how each attribute of spec.Attributes renders, in the
// table's order. format, modules and nix render into imports
// (writeImports); file_name names the artifact and renders nothing. A
// test checks that every attribute is accounted for here.
var renderers = map[string]renderer{
	"format": renderFormatDefaults,
	"system": func(w *writer, v spec.Variant, _ spec.Format) {
		// As nixos-generate-config writes it: a default, so modules may override.
		w.line("system", fmt.Sprintf("  nixpkgs.hostPlatform = lib.mkDefault %s;", String(v.System)))
	},
	"hostname": option("hostname", "networking.hostName", func(v spec.Variant) string { return v.Hostname }),
	"timezone": option("timezone", "time.timeZone", func(v spec.Variant) string { return v.Timezone }),
	"locale":   option("locale", "i18n.defaultLocale", func(v spec.Variant) string { return v.Locale }),
	"keymap":   option("keymap", "console.keyMap", func(v spec.Variant) string { return v.Keymap }),
	"iso_label": func(w *writer, v spec.Variant, f spec.Format) {
		if f.Product == "iso" {
			writeOption(w, "iso_label", "isoImage.volumeID", v.ISOLabel)
		}
	},
	"squashfs_compression": option("squashfs_compression", "isoImage.squashfsCompression",
		func(v spec.Variant) string { return v.SquashfsCompression }),
	"file_name": nil,
	"packages":  renderPackages,
	"ssh_authorized_keys": func(w *writer, v spec.Variant, _ spec.Format) {
		writeStrings(w, "ssh_authorized_keys", "users.users.root.openssh.authorizedKeys.keys", v.SSHKeys)
		if len(v.SSHKeys) > 0 {
			// Only profiles/installation-device.nix turns sshd on (as a
			// mkDefault); keys are useless without it for iso and disk
			// images. A plain true agrees with that mkDefault.
			w.line("ssh_authorized_keys", "  services.openssh.enable = true;")
		}
	},
	"modules": nil,
	// test configures isoforge test; it never changes the image.
	"test": nil,
	"kernel_params": func(w *writer, v spec.Variant, _ spec.Format) {
		writeStrings(w, "kernel_params", "boot.kernelParams", v.KernelParams)
	},
	"wifi":         renderWifi,
	"disk_size":    renderDiskSize,
	"efi":          renderEFI,
	"extra_inputs": nil,
	"nix":          nil,
}

// renderDiskSize sets virtualisation.diskSize inside the format's image
// module. The option exists only where nixpkgs' disk-size-option.nix is
// imported (virtualisation/disk-image.nix, proxmox-image.nix, the cloud
// image modules), not in the top-level configuration, so it goes through
// image.modules.<variant> (nixos/modules/image/images.nix: an attrsOf
// deferredModule, merged with nixpkgs' own module for that variant). A
// plain definition overrides the mkOverride 1490 defaults of hyperv and
// openstack.
func renderDiskSize(w *writer, v spec.Variant, f spec.Format) {
	if v.DiskSize == "" || f.ImageVariant() == "" {
		return
	}
	size := v.DiskSize
	if size == "auto" {
		size = String(size)
	}
	w.line("disk_size", fmt.Sprintf("  image.modules.%s = { virtualisation.diskSize = %s; };", String(f.ImageVariant()), size))
}

// renderEFI: for disk images efi picks the format (qemu or qemu-efi) and
// renders nothing; for ISO formats it sets isoImage.makeEfiBootable
// (installer/cd-dvd/iso-image.nix), over installation-cd-base.nix's
// plain true, hence mkForce when turning it off.
func renderEFI(w *writer, v spec.Variant, f spec.Format) {
	if v.EFI == nil || !f.ISO() {
		return
	}
	if *v.EFI {
		w.line("efi", "  isoImage.makeEfiBootable = true;")
		return
	}
	w.line("efi", "  isoImage.makeEfiBootable = lib.mkForce false;")
}

// renderFormatDefaults writes what a format needs beyond its base module.
// iso-image.nix defaults makeEfiBootable and makeUsbBootable to false;
// installation-cd-base.nix and nixos-generators' formats/iso.nix set
// both, so a plain iso boots on UEFI machines and from a USB stick.
func renderFormatDefaults(w *writer, v spec.Variant, f spec.Format) {
	if !f.BootDefaults {
		return
	}
	if v.EFI == nil {
		// Otherwise the efi attribute sets it (renderEFI): a Nix
		// attribute set cannot define it twice.
		w.line("format", "  isoImage.makeEfiBootable = lib.mkDefault true;")
	}
	w.line("format", "  isoImage.makeUsbBootable = lib.mkDefault true;")
}

func option(attr, name string, get func(spec.Variant) string) renderer {
	return func(w *writer, v spec.Variant, _ spec.Format) { writeOption(w, attr, name, get(v)) }
}

func writeOption(w *writer, attr, name, val string) {
	if val == "" {
		return
	}
	w.line(attr, fmt.Sprintf("  %s = %s;", name, String(val)))
}

func writeStrings(w *writer, attr, name string, vals []string) {
	if len(vals) == 0 {
		return
	}
	w.line(attr, fmt.Sprintf("  %s = [", name))
	for _, v := range vals {
		w.line(attr, "    "+String(strings.TrimSpace(v)))
	}
	w.line(attr, "  ];")
}

func renderPackages(w *writer, v spec.Variant, _ spec.Format) {
	if len(v.Packages) == 0 {
		return
	}
	w.line("packages", "  environment.systemPackages = [")
	for _, p := range v.Packages {
		w.line("packages", "    "+AttrPath("pkgs", p))
	}
	w.line("packages", "  ];")
}

// renderWifi follows nixos/modules/services/networking/wpa_supplicant.nix
// (networking.wireless.networks.<ssid>.pskRaw: 64 hex digits, accepted
// from 24.05 to unstable) and nixos-generators' formats/install-iso.nix,
// which starts wpa_supplicant at boot again: installation-device.nix sets
// its wantedBy to mkOverride 50 [ ], and mkForce is the same priority, so
// the lists merge to [ "multi-user.target" ].
func renderWifi(w *writer, v spec.Variant, _ spec.Format) {
	if v.Wifi == nil {
		return
	}
	w.line("wifi", "  networking.wireless.enable = true;")
	net := "  networking.wireless.networks." + String(v.Wifi.SSID)
	if v.Wifi.RawKey == "" {
		w.line("wifi", net+" = { };")
	} else {
		w.line("wifi", net+".pskRaw = "+String(v.Wifi.RawKey)+";")
	}
	w.line("wifi", `  systemd.services.wpa_supplicant.wantedBy = lib.mkForce [ "multi-user.target" ];`)
}
