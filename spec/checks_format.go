package spec

import (
	"strconv"
	"strings"
)

// maxDiskSizeMiB bounds disk_size at 16 TiB: a typo such as 81920000
// would otherwise fill the builder's disk.
const maxDiskSizeMiB = 16 << 20

// checkFormat resolves the format name: an alias becomes the canonical
// name with a warning naming it, efi picks the EFI twin, and the system
// must be one nixpkgs builds the format for.
func (c *checker) checkFormat(v *Variant) {
	f, hint, ok := resolveFormat(v.Format)
	if !ok {
		c.errorf(c.rangeOf("format"), "Unknown format",
			"%s is not a format.%s Valid formats: %s.", c.show("format", v.Format), didYouMean(v.Format, formatCandidates()), strings.Join(FormatNames(), ", "))
		return
	}
	if hint != "" {
		c.warnf(c.rangeOf("format"), "Format alias", "%s", hint)
		c.aliasSystem(v, f)
	}
	v.Format = f.Name
	if v.EFI != nil && *v.EFI != f.EFI && f.EFITwin != "" {
		f, _ = LookupFormat(f.EFITwin)
		v.Format = f.Name
	}
	if len(f.Systems) > 0 && !contains(f.Systems, v.System) {
		c.errorf(c.rangeOf("system"), "System not supported by this format",
			"Format %q builds for %s; %s is not one of them.", f.Name, strings.Join(f.Systems, " and "), c.show("system", v.System))
	}
}

// aliasSystem applies the system an alias such as "sd-aarch64" names,
// unless the variant sets another one.
func (c *checker) aliasSystem(v *Variant, f Format) {
	sys, ok := f.AliasSystems[v.Format]
	switch {
	case !ok:
	case !c.has("system"):
		v.System = sys
	case v.System != sys:
		c.errorf(c.rangeOf("system"), "System contradicts the format",
			"Format %q builds for %s, but system is %s. Use format %q with the system you want.", v.Format, sys, c.show("system", v.System), f.Name)
	}
}

// formatCandidates are the names "did you mean" may suggest.
func formatCandidates() []string {
	names := FormatNames()
	for a := range FormatAliases() {
		names = append(names, a)
	}
	return names
}

// checkDiskSettings checks disk_size and efi against the format.
func (c *checker) checkDiskSettings(v *Variant, f Format) {
	if c.has("disk_size") {
		c.checkDiskSize(v, f)
	}
	if v.EFI != nil && *v.EFI != f.EFI && !f.ISO() {
		c.errorf(c.rangeOf("efi"), "efi is not a choice for this format",
			"Format %q %s; formats with both are qemu/qemu-efi, raw/raw-efi and the ISO formats.", f.Name, efiPhrase(f.EFI))
	}
}

func (c *checker) checkDiskSize(v *Variant, f Format) {
	rng := c.rangeOf("disk_size")
	if !f.DiskSize {
		c.errorf(rng, "disk_size needs a disk image format",
			"Format %q has no virtualisation.diskSize (nixpkgs' disk-size-option.nix); it sizes its image itself.", f.Name)
		return
	}
	if v.DiskSize == "auto" {
		return
	}
	n, err := strconv.Atoi(v.DiskSize)
	if err != nil || n < 1 || n > maxDiskSizeMiB {
		c.errorf(rng, "Invalid disk_size",
			"%s is not a disk size: use a whole number of MiB from 1 to %d, such as 8192, or \"auto\".", c.show("disk_size", abbreviate(v.DiskSize, 40)), maxDiskSizeMiB)
		return
	}
	v.DiskSize = strconv.Itoa(n)
}

func efiPhrase(efi bool) string {
	if efi {
		return "always boots with UEFI"
	}
	return "has no UEFI-booting variant"
}
