package vmtest

import (
	"strings"
)

// qemuScript wraps QEMU's command line for builder images without QEMU
// (the nixos/nix image): it then builds nixpkgs' qemu_kvm (and OVMF.fd
// for EFI images) from the pinned nixpkgs into the shared store volume,
// once per volume, after fetch puts that nixpkgs in the store and leaves
// its path in $src (apply.FetchScript). An image that has QEMU, such as
// the test builder, uses its own. The -bios argument, when present, is
// replaced by the OVMF the image or nixpkgs provides.
func qemuScript(args []string, fetch string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = shellQuote(a)
		if a == ovmf {
			q[i] = `"$bios"`
		}
	}
	lines := []string{
		"set -eu",
		"nixpkgs() {",
		`  [ -z "${src:-}" ] || return 0`,
		"  {",
		fetch,
		"  } >&2",
		// nix-instantiate --json quotes the path.
		`  src=${src#\"}; src=${src%\"}`,
		"}",
		"if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then",
		`  echo "isoforge: the builder image has no QEMU: building qemu_kvm from the pinned nixpkgs (once per Nix store volume)" >&2`,
		"  nixpkgs",
		`  PATH="$(nix-build "$src" -A qemu_kvm --no-out-link)/bin:$PATH"`,
		"fi",
		"bios=" + ovmf,
		`if [ ! -e "$bios" ]; then`,
		"  nixpkgs",
		`  bios="$(nix-build "$src" -A OVMF.fd --no-out-link)/FV/OVMF.fd"`,
		"fi",
		"exec " + strings.Join(q, " "),
	}
	if !containsString(args, ovmf) {
		// No firmware needed: drop the OVMF lines.
		lines = append(lines[:len(lines)-6], lines[len(lines)-1])
	}
	return strings.Join(lines, "\n") + "\n"
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
