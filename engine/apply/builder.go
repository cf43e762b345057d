package apply

import (
	"fmt"
	"strings"

	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/engine/pin"
	"github.com/isoforge/isoforge/spec"
)

// Paths inside the builder container.
const (
	workMount    = "/isoforge/work"
	nixpkgsMount = "/isoforge/nixpkgs"
	storeMount   = "/nix"
	// cacheDir keeps Nix's tarball cache on the store volume, so a pinned
	// nixpkgs is downloaded once, not once per container.
	cacheDir = "/nix/var/isoforge/cache"
	// tarballTTL: a revision's archive never changes, so cache it for a year.
	tarballTTL = "31536000"
)

// NixpkgsArg is the -I nixpkgs= value for a pin.
func NixpkgsArg(p lockfile.Pin) string {
	if p.Path != "" {
		return nixpkgsMount
	}
	return pin.TarballURL(p.Rev)
}

// BuildScript is the exact shell script the builder container runs: the
// production command of docs/builders.md. It builds with nix-build, then
// copies the artifact out of the store into the work directory.
func BuildScript(f spec.Format, nixpkgsArg string) string {
	q := shellQuote
	lines := []string{
		"set -eu",
		fmt.Sprintf("nix-build '<nixpkgs/nixos>' -A %s -I nixos-config=%s/iso.nix -I nixpkgs=%s --option tarball-ttl %s --out-link %s/result",
			f.Attribute, workMount, q(nixpkgsArg), tarballTTL, workMount),
		fmt.Sprintf("artifact=$(find -L %s/result/%s -maxdepth 1 -type f -name %s | sort | head -n 1)", workMount, f.ArtifactDir, q(f.ArtifactGlob)),
		fmt.Sprintf(`[ -n "$artifact" ] || { echo "isoforge: the build result has no %s/%s" >&2; exit 1; }`, f.ArtifactDir, f.ArtifactGlob),
		`echo "isoforge: copying $artifact"`,
		fmt.Sprintf(`cp -L "$artifact" %s/artifact/ && chmod 0644 %s/artifact/*`, workMount, workMount),
	}
	return strings.Join(lines, "\n") + "\n"
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
