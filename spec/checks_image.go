package spec

import (
	"strings"
	"unicode/utf8"

	"github.com/isoforge/isoforge/spec/lazyregexp"
)

// squashfsRe accepts what mksquashfs takes after -comp: a compressor
// and its options, as nixpkgs' isoImage.squashfsCompression does.
var squashfsRe = lazyregexp.New(`^(gzip|lzo|lz4|xz|zstd)( -[A-Za-z0-9-]+( [A-Za-z0-9%-]+)?)*$`)

// checkImageSettings checks the attributes that only some formats take.
func (c *checker) checkImageSettings(v *Variant) {
	f, _ := LookupFormat(v.Format)
	c.checkDiskSettings(v, f)
	if c.has("squashfs_compression") {
		switch {
		case f.Product != "iso":
			c.errorf(c.rangeOf("squashfs_compression"), "squashfs_compression needs an ISO format",
				"Format %q builds no squashfs; squashfs_compression (isoImage.squashfsCompression) applies to ISO formats only.", v.Format)
		case !squashfsRe.MatchString(v.SquashfsCompression):
			c.errorf(c.rangeOf("squashfs_compression"), "Invalid squashfs_compression",
				"%q is not a mksquashfs compressor with options, such as \"zstd -Xcompression-level 6\" or \"xz -Xdict-size 100%%\".",
				abbreviate(v.SquashfsCompression, 60))
		}
	}
	if c.has("iso_label") && f.Name != "" && !f.ISO() {
		c.errorf(c.rangeOf("iso_label"), "iso_label needs an ISO format",
			"Format %q builds a disk image, which has no ISO volume label.", v.Format)
	}
	c.checkWifi(v, f)
}

// checkWifi follows nixpkgs' services/networking/wpa_supplicant.nix:
// psk is 8 to 63 printable ASCII characters. The graphical installer
// uses NetworkManager and forces networking.wireless off
// (installation-cd-graphical-base.nix, mkImageMediaOverride false), so
// wifi would silently do nothing there.
func (c *checker) checkWifi(v *Variant, f Format) {
	w := v.Wifi
	if w == nil {
		return
	}
	rng := c.rangeOf("wifi")
	if w.SSID == "" || len(w.SSID) > 32 || !utf8.ValidString(w.SSID) || strings.IndexFunc(w.SSID, isControl) >= 0 {
		c.errorf(rng, "Invalid wifi SSID", "An SSID is 1 to 32 bytes of printable text.")
		return
	}
	if w.PSK != "" && !printableASCII(w.PSK, 8, 63) {
		c.errorf(rng, "Invalid wifi psk",
			"A WPA passphrase is 8 to 63 printable ASCII characters (nixpkgs checks the same). The value is not shown here.")
		return
	}
	if f.NetworkManager {
		c.errorf(rng, "wifi is not supported by this format",
			"Format %q uses NetworkManager and turns networking.wireless off; configure NetworkManager in a module instead.", v.Format)
		return
	}
	if w.PSK != "" {
		key, err := rawKey(w.SSID, w.PSK)
		if err != nil {
			c.errorf(rng, "Cannot derive the wifi key", "PBKDF2-SHA1 failed: %s.", err)
			return
		}
		w.RawKey = key
	}
}

func printableASCII(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
