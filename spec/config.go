// Package spec reads isos.hcl configurations: it decodes the HCL in phases
// (variables, locals, settings, variants), checks the result and hands the
// engine plain Go values. Every user error is an hcl.Diagnostic with a
// source range.
package spec

import (
	"crypto/pbkdf2"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"

	"github.com/hashicorp/hcl/v2"
)

// Config is one decoded configuration directory.
type Config struct {
	// Dir is the absolute directory holding the configuration files.
	Dir string
	// Files lists the configuration files read, relative to Dir, sorted.
	Files []string
	// OutputDir is where artifacts go, relative to Dir (default "out").
	OutputDir string
	Nixpkgs   Nixpkgs
	Runtime   Runtime
	// Variants are the buildable variants, sorted by name. Abstract
	// variants are resolved into their children and not listed.
	Variants []Variant
}

// Variant returns the variant with the given name.
func (c *Config) Variant(name string) (Variant, bool) {
	for _, v := range c.Variants {
		if v.Name == name {
			return v, true
		}
	}
	return Variant{}, false
}

// VariantNames lists the variant names in order.
func (c *Config) VariantNames() []string {
	names := make([]string, len(c.Variants))
	for i, v := range c.Variants {
		names[i] = v.Name
	}
	return names
}

// Nixpkgs says which nixpkgs the builds use. Exactly one field is set.
type Nixpkgs struct {
	// Channel is a channel name such as "nixos-24.11", pinned in the lockfile.
	Channel string
	// Rev is an exact 40-hex nixpkgs git revision.
	Rev string
	// Path is a local nixpkgs checkout, relative to Config.Dir when it lies
	// inside it, else absolute.
	Path string
	// Range is where the nixpkgs block was declared.
	Range hcl.Range
}

// Runtime holds the runtime block's settings.
type Runtime struct {
	// Engine is "auto", "podman" or "docker".
	Engine string
	// Image is the builder image reference.
	Image string
	// Parallelism is how many builds run at once.
	Parallelism int
	// NixVolume is the named volume holding the shared Nix store.
	NixVolume string
	// MemoryMiB limits each builder's memory; 0 means no limit.
	MemoryMiB int
}

// Variant is one buildable image, with defaults and inherited values
// already applied.
type Variant struct {
	Name         string
	Format       string
	System       string
	Hostname     string
	Timezone     string
	Locale       string
	Keymap       string
	ISOLabel     string
	FileName     string
	Packages     []string
	SSHKeys      []string
	Modules      []string // slash paths relative to Config.Dir
	KernelParams []string
	// SquashfsCompression is isoImage.squashfsCompression; "" keeps
	// nixpkgs' default.
	SquashfsCompression string
	// DiskSize is virtualisation.diskSize in MiB, or "auto"; "" keeps the
	// format's default.
	DiskSize string
	// EFI is the efi attribute: nil when unset.
	EFI *bool
	// Wifi is a network to join at boot, or nil.
	Wifi *Wifi
	Nix  string
	// Test is the variant's test block, or nil.
	Test *Test
	// NixSource maps lines of Nix back into the configuration file.
	NixSource SourceMap
	// ExtraInputs are globs of files the variant's Nix reads in ways
	// isoforge cannot follow.
	ExtraInputs []string
	// Inputs are the regular files the variant's modules, nix body and
	// extra_inputs reach, as slash paths relative to Config.Dir, sorted:
	// each is hashed into the variant's fingerprint.
	Inputs []string
	// DeclRange is the variant block's header, for diagnostics.
	DeclRange hcl.Range
	// Ranges maps attribute names to where their values were written
	// (the variant, an inherited variant or defaults), so build errors
	// can point back into isos.hcl.
	Ranges map[string]hcl.Range
	// Block is the label of the variant block that declared it: the
	// for_each base of NAME-KEY, else the name itself.
	Block string
	// Lineage lists every variant it inherits from, nearest parents first
	// (abstract ones included), for listings and `isoforge show`.
	Lineage []string
}

// Wifi is a WPA network a variant joins at boot.
type Wifi struct {
	SSID string
	// PSK is the passphrase; "" for an open network.
	PSK string
	// RawKey is the key derived from PSK and SSID (64 hex digits), "" for
	// an open network. Renders and fingerprints use it, not PSK.
	RawKey string
}

// rawKey derives the 256-bit WPA pre-shared key from the passphrase
// (IEEE 802.11i: PBKDF2-HMAC-SHA1, the SSID as salt, 4096 rounds), as
// wpa_passphrase prints it. isoforge renders it as pskRaw so that the
// passphrase itself reaches neither the image nor the lock.
func rawKey(ssid, psk string) (string, error) {
	key, err := pbkdf2.Key(sha1.New, psk, []byte(ssid), 4096, 32)
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(key), nil
}

// Defaults the language applies when nothing sets a value.
const (
	DefaultFormat      = "iso-installer"
	DefaultSystem      = "x86_64-linux"
	DefaultOutputDir   = "out"
	DefaultEngine      = "auto"
	DefaultImage       = "docker.io/nixos/nix:2.28.3"
	DefaultParallelism = 2
)

// NixVolumeFor names the default store volume of a builder image. Engines
// seed a new volume from the image's /nix once, and the image's own nix
// lives there, so each image gets a volume of its own: switching images
// must not run the new image against the old image's store.
func NixVolumeFor(image string) string {
	sum := sha256.Sum256([]byte(image))
	return "isoforge-nix-" + hex.EncodeToString(sum[:4])
}
