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

// ScriptOptions change how the builder runs nix-build.
type ScriptOptions struct {
	// ShowTrace passes --show-trace (apply -show-trace).
	ShowTrace bool
}

// BuildScript is the exact shell script the builder container runs: the
// production command of docs/builders.md. It builds with nix-build, finds
// the artifact where nixpkgs declares it (the result's
// nix-support/hydra-build-products, written by make-iso9660-image.sh,
// make-disk-image.nix and sd-image.nix), then copies it out of the store
// into the work directory. The glob of older isoforge versions stays only
// as a fallback, with a warning.
func BuildScript(f spec.Format, nixpkgsArg string, o ScriptOptions) string {
	q := shellQuote
	build := fmt.Sprintf("nix-build '<nixpkgs/nixos>' -A %s -I nixos-config=%s/iso.nix -I nixpkgs=%s --option tarball-ttl %s --out-link %s/result",
		f.Attribute, workMount, q(nixpkgsArg), tarballTTL, workMount)
	if o.ShowTrace {
		build += " --show-trace"
	}
	lines := []string{
		"set -eu",
		build,
		fmt.Sprintf("result=$(readlink -f %s/result)", workMount),
		`products="$result/nix-support/hydra-build-products"`,
		"artifact=",
		`if [ -f "$products" ]; then`,
		`  while read -r kind type file rest; do`,
		fmt.Sprintf(`    if [ "$kind" = file ] && [ "$type" = %s ]; then artifact=$file; break; fi`, q(f.Product)),
		`  done < "$products"`,
		`fi`,
		`if [ -z "$artifact" ]; then`,
		fmt.Sprintf(`  echo "isoforge: warning: the build result declares no 'file %s' product in nix-support/hydra-build-products; looking for %s/%s instead" >&2`, f.Product, f.ArtifactDir, f.ArtifactGlob),
		fmt.Sprintf(`  artifact=$(find -L "$result/"%s -maxdepth 1 -type f -name %s | sort | head -n 1)`, q(f.ArtifactDir), q(f.ArtifactGlob)),
		`fi`,
		fmt.Sprintf(`[ -n "$artifact" ] || { echo "isoforge: the build result has no %s artifact" >&2; exit 1; }`, f.Product),
		`case "$artifact" in "$result"/*) ;; *) echo "isoforge: the declared artifact $artifact lies outside the build result $result" >&2; exit 1 ;; esac`,
		`echo "isoforge: copying $artifact"`,
		fmt.Sprintf(`cp -L "$artifact" %s/artifact/ && chmod 0644 %s/artifact/*`, workMount, workMount),
	}
	return strings.Join(lines, "\n") + "\n"
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
