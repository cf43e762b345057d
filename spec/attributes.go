package spec

import (
	"strconv"
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// Attribute is one setting a variant or the defaults block may set. This
// table is the single description of a variant attribute: decoding takes
// its type from here, the Variant field is filled through set, the
// fingerprint hashes Text under Input (so plan names the change after
// the attribute), and docs/isos-hcl.md lists Doc and Option (a test keeps
// the docs in step). How an attribute renders to Nix lives beside the
// renderer in engine/render, which a test also checks against this table.
type Attribute struct {
	Name string
	Type cty.Type
	// Default is the value used when nothing sets the attribute, as the
	// docs show it.
	Default string
	// Option is the NixOS option the attribute sets, or how it is used.
	Option string
	// Doc is one sentence for docs/isos-hcl.md.
	Doc string
	// Input is the fingerprint input that hashes the attribute:
	// "setting/<name>", or "meta/<name>" for format and system.
	Input string
	set   func(v *Variant, val cty.Value)
	text  func(v *Variant) string
}

// Text is the attribute's value as the fingerprint hashes it.
func (a Attribute) Text(v *Variant) string { return a.text(v) }

// wifiType is the object the wifi attribute takes; psk is optional (an
// open network).
var wifiType = cty.ObjectWithOptionalAttrs(map[string]cty.Type{
	"ssid": cty.String, "psk": cty.String,
}, []string{"psk"})

// Attributes lists every variant attribute, in the order docs show them.
var Attributes = []Attribute{
	{Name: "format", Type: cty.String, Default: `"` + DefaultFormat + `"`, Input: "meta/format",
		Option: "the nixpkgs module and attribute that build the image (see `isoforge formats`)",
		Doc:    "What to build.",
		set:    func(v *Variant, x cty.Value) { v.Format = x.AsString() }, text: func(v *Variant) string { return v.Format }},
	{Name: "system", Type: cty.String, Default: `"` + DefaultSystem + `"`, Input: "meta/system",
		Option: "nixpkgs.hostPlatform (as lib.mkDefault)", Doc: "The Nix system the image runs on.",
		set: func(v *Variant, x cty.Value) { v.System = x.AsString() }, text: func(v *Variant) string { return v.System }},
	strAttr("hostname", "networking.hostName", "The machine's host name.", func(v *Variant) *string { return &v.Hostname }),
	strAttr("timezone", "time.timeZone", "An IANA time zone such as \"Europe/Amsterdam\".", func(v *Variant) *string { return &v.Timezone }),
	strAttr("locale", "i18n.defaultLocale", "The default locale, such as \"en_US.UTF-8\".", func(v *Variant) *string { return &v.Locale }),
	strAttr("keymap", "console.keyMap", "The console keymap, such as \"de-latin1\".", func(v *Variant) *string { return &v.Keymap }),
	strAttr("iso_label", "isoImage.volumeID", "The ISO volume label (ISO formats only; at most 32 characters).", func(v *Variant) *string { return &v.ISOLabel }),
	strAttr("squashfs_compression", "isoImage.squashfsCompression",
		"How the ISO's Nix store is compressed, e.g. \"zstd -Xcompression-level 6\" (fast) or \"xz -Xdict-size 100%\" (nixpkgs' default, small); ISO formats only.",
		func(v *Variant) *string { return &v.SquashfsCompression }),
	{Name: "file_name", Type: cty.String, Default: "NAME + the format's extension", Input: "setting/file_name",
		Option: "the artifact's name in the output directory", Doc: "The artifact's file name.",
		set: func(v *Variant, x cty.Value) { v.FileName = x.AsString() }, text: func(v *Variant) string { return v.FileName }},
	listAttr("packages", "environment.systemPackages", "nixpkgs attribute paths, such as \"htop\" or \"python3Packages.requests\".",
		func(v *Variant) *[]string { return &v.Packages }),
	listAttr("ssh_authorized_keys", "users.users.root.openssh.authorizedKeys.keys, and services.openssh.enable = true",
		"OpenSSH public keys that may log in as root; setting any turns sshd on for every format.", func(v *Variant) *[]string { return &v.SSHKeys }),
	listAttr("modules", "imports", "NixOS module files, relative to the directory of isos.hcl.", func(v *Variant) *[]string { return &v.Modules }),
	listAttr("kernel_params", "boot.kernelParams", "Extra kernel command-line parameters.", func(v *Variant) *[]string { return &v.KernelParams }),
	{Name: "wifi", Type: wifiType, Default: "none", Input: "setting/wifi",
		Option: "networking.wireless (pskRaw derived from psk), and wpa_supplicant started at boot",
		Doc:    "A WPA network to join at boot: { ssid = \"...\", psk = var.wifi_psk }; the derived key is world-readable in the image.",
		set: func(v *Variant, x cty.Value) {
			w := &Wifi{}
			if s := x.GetAttr("ssid"); !s.IsNull() {
				w.SSID = s.AsString()
			}
			if p := x.GetAttr("psk"); !p.IsNull() {
				w.PSK = p.AsString()
			}
			v.Wifi = w
		},
		text: func(v *Variant) string {
			if v.Wifi == nil {
				return ""
			}
			// The raw key, never the passphrase: the lock is committed.
			return v.Wifi.SSID + "\n" + v.Wifi.RawKey
		}},
	{Name: "disk_size", Type: cty.String, Default: "the format's (\"auto\" for most)", Input: "setting/disk_size",
		Option: "virtualisation.diskSize in image.modules.<format> (nixos/modules/virtualisation/disk-size-option.nix)",
		Doc:    "The disk image's size in MiB, such as 8192, or \"auto\" (the closure plus some room); disk image formats only.",
		set:    func(v *Variant, x cty.Value) { v.DiskSize = x.AsString() }, text: func(v *Variant) string { return v.DiskSize }},
	{Name: "efi", Type: cty.Bool, Default: "the format's", Input: "setting/efi",
		Option: "picks qemu-efi over qemu and raw-efi over raw; isoImage.makeEfiBootable for ISO formats",
		Doc:    "Whether the image boots with UEFI, for formats that come both ways.",
		set: func(v *Variant, x cty.Value) {
			b := x.True()
			v.EFI = &b
		},
		text: func(v *Variant) string {
			if v.EFI == nil {
				return ""
			}
			return strconv.FormatBool(*v.EFI)
		}},
	listAttr("extra_inputs", "nothing: the files are hashed into the inputs",
		"Globs of files the Nix reads in ways isoforge cannot follow (a path built at evaluation time), such as \"files/**\".",
		func(v *Variant) *[]string { return &v.ExtraInputs }),
	strAttr("nix", "a module of its own in imports", "NixOS option definitions, pasted into a module function that sees config, lib, pkgs, modulesPath and src.",
		func(v *Variant) *string { return &v.Nix }),
	testAttribute,
}

func strAttr(name, option, doc string, field func(*Variant) *string) Attribute {
	return Attribute{Name: name, Type: cty.String, Default: "unset", Option: option, Doc: doc, Input: "setting/" + name,
		set:  func(v *Variant, x cty.Value) { *field(v) = x.AsString() },
		text: func(v *Variant) string { return *field(v) }}
}

func listAttr(name, option, doc string, field func(*Variant) *[]string) Attribute {
	return Attribute{Name: name, Type: cty.List(cty.String), Default: "[]", Option: option, Doc: doc, Input: "setting/" + name,
		set:  func(v *Variant, x cty.Value) { *field(v) = stringList(x) },
		text: func(v *Variant) string { return strings.Join(*field(v), "\n") }}
}

// LookupAttribute returns the attribute with the given name.
func LookupAttribute(name string) (Attribute, bool) {
	for _, a := range Attributes {
		if a.Name == name {
			return a, true
		}
	}
	return Attribute{}, false
}

// AttributeNames lists the attribute names in table order.
func AttributeNames() []string {
	out := make([]string, len(Attributes))
	for i, a := range Attributes {
		out[i] = a.Name
	}
	return out
}
