package apply

import (
	"encoding/base64"
	"encoding/hex"
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
	// cacheDir keeps Nix's download cache on the store volume.
	cacheDir = "/nix/var/isoforge/cache"
	// fetchCacheDir is the init container's own, thrown-away download
	// cache. Nix caches a URL fetched with a sha256 as immutable, forever,
	// even when the content did not match (NixOS/nix
	// src/libfetchers/tarball.cc, downloadFile): a retry after the archive
	// was fixed would keep failing. A present store path is used without
	// any download anyway.
	fetchCacheDir = "/tmp/isoforge-fetch-cache"
	// sourceMarker starts the line on which the fetch script prints the
	// store path of the pinned nixpkgs.
	sourceMarker = "isoforge-nixpkgs="
)

// FetchScript is what the serial init container runs before any build:
// it opens the store and puts the pinned nixpkgs in it as a fixed-output
// path, verified against the lock's NAR hash, then prints its store path.
// A revision is fetched with builtins.fetchTarball { url; sha256; }, a
// local checkout (mounted read-only at /isoforge/nixpkgs) imported with
// builtins.path { sha256; filter; } using the filter isoforge hashed it
// with. Either fails the run on a fetch error or a hash mismatch, and
// never falls back to a nixpkgs from the search path. The path is named
// "source", as fetchTarball and flakes name it, so both kinds of pin of
// the same tree share one store path.
func FetchScript(p lockfile.Pin) (string, error) {
	sum, err := narHex(p.NarHash)
	if err != nil {
		return "", err
	}
	var expr string
	if p.Local() {
		expr = fmt.Sprintf(`builtins.path { path = %s; name = "source"; sha256 = "%s"; filter = %s; }`, nixpkgsMount, sum, pin.NixFilter())
	} else {
		expr = fmt.Sprintf(`builtins.fetchTarball { url = %s; sha256 = "%s"; }`, pin.NixString(p.URL), sum)
	}
	lines := []string{
		"set -eu",
		// --read-write-mode: --eval is read-only by default and would only
		// compute the path, not add it.
		fmt.Sprintf("src=$(nix-instantiate --read-write-mode --eval --json --expr %s)", shellQuote("toString ("+expr+")")),
		`echo "` + sourceMarker + `$src"`,
	}
	return strings.Join(lines, "\n") + "\n", nil
}

// narHex turns an SRI sha256 into the hex form every Nix version reads.
func narHex(sri string) (string, error) {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(sri, "sha256-"))
	if err != nil || !strings.HasPrefix(sri, "sha256-") || len(raw) != 32 {
		return "", fmt.Errorf("nixpkgs pin has no valid nar_hash (%q): run `isoforge lock`", sri)
	}
	return hex.EncodeToString(raw), nil
}

// ScriptOptions change how the builder runs nix-build.
type ScriptOptions struct {
	// ShowTrace passes --show-trace (apply -show-trace).
	ShowTrace bool
	// System is the variant's Nix system; aarch64-linux adds
	// --option extra-platforms aarch64-linux.
	System string
	// Cache adds the cache block's substituters and the push.
	Cache CacheOptions
}

// BuildScript is the exact shell script the builder container runs: the
// production command of docs/builders.md. It builds with nix-build from
// the pinned nixpkgs' store path (never '<nixpkgs/nixos>' from the search
// path; -I nixpkgs points modules that use <nixpkgs> at the same tree),
// finds the artifact where nixpkgs declares it (the result's
// nix-support/hydra-build-products, written by make-iso9660-image.sh,
// make-disk-image.nix and sd-image.nix), then copies it out of the store
// into the work directory. The glob of older isoforge versions stays only
// as a fallback, with a warning.
func BuildScript(f spec.Format, nixpkgsPath string, o ScriptOptions) string {
	lines := []string{"set -eu"}
	lines = append(lines, kvmPreflight(f)...)
	lines = append(lines,
		outLinkLine,
		buildCommand(f, nixpkgsPath, o),
		`result=$(readlink -f "$link")`,
	)
	lines = append(lines, findArtifactLines(f)...)
	lines = append(lines,
		fmt.Sprintf(`[ -n "$artifact" ] || { echo "isoforge: the build result has no %s artifact" >&2; exit 1; }`, artifactKind(f)),
		`case "$artifact" in "$result"/*) ;; *) echo "isoforge: the declared artifact $artifact lies outside the build result $result" >&2; exit 1 ;; esac`,
		`echo "isoforge: copying $artifact"`,
		// A local builder streams to isoforge through the pipe; a remote
		// one leaves the file for the copy-out (engine/apply/pipe.go).
		fmt.Sprintf(`if [ -p %[1]s/%[2]s ]; then cat "$artifact" > %[1]s/%[2]s; else cp -L "$artifact" %[1]s/artifact/ && chmod 0644 %[1]s/artifact/*; fi`, workMount, pipeName),
	)
	if o.Cache.PushTo != "" {
		lines = append(lines, pushLines(o.Cache)...)
	}
	return strings.Join(lines, "\n") + "\n"
}

// pushLines sign and copy the build closure, build-time outputs included
// (nix-store -qR --include-outputs of the result's derivation), to the
// push cache with an explicit nix copy: post-build-hook gets no paths on
// Nix 2.8 (NixOS/nix#6446). The .drv files stay out: nix copy takes a
// .drv argument as "build its outputs". A failed push fails the build,
// so apply never reports a push it did not make.
func pushLines(c CacheOptions) []string {
	return []string{
		"echo " + shellQuote("isoforge: pushing the build closure to "+c.Display),
		`closure=$(nix-store -qR --include-outputs $(nix-store -qd "$result") | grep -v '\.drv$')`,
		fmt.Sprintf(`nix --extra-experimental-features nix-command copy --to %s $closure || { echo %s >&2; exit 1; }`, shellQuote(c.PushTo), shellQuote("isoforge: pushing to "+c.Display+" failed")),
	}
}

// outLinkLine names the build's out-link uniquely per container. Nix
// roots an out-link in /nix/var/nix/gcroots/auto under a hash of the
// link's path, through a temporary link named after its PID and the first
// random() value: on a shared store volume, two builders with the same
// link path (every /isoforge/work/result) and the same PID in their own
// namespaces race on one temporary name and one fails with "creating
// symlink ... File exists" (NixOS/nix src/libstore/gc.cc, makeSymlink and
// LocalStore::addIndirectRoot). The kernel's UUID makes the path unique.
const outLinkLine = "link=" + workMount + "/result-$(cat /proc/sys/kernel/random/uuid)"

// buildCommand is the nix-build command line. Formats that boot a VM
// build as the user running nix (root in the container) instead of a
// nixbld* build user (build-users-group set to nothing): Nix offers the kvm
// system feature when it can open /dev/kvm itself, but QEMU runs as the
// build user, who cannot open a 0600 or root:kvm 0660 device node
// (NixOS/nixpkgs#124371; docs/builders.md says why this is safe).
func buildCommand(f spec.Format, nixpkgsPath string, o ScriptOptions) string {
	q := shellQuote
	build := fmt.Sprintf(`nix-build %s -A %s -I nixos-config=%s/iso.nix -I nixpkgs=%s --out-link "$link"`,
		q(nixpkgsPath+"/nixos"), f.Attribute, workMount, q(nixpkgsPath))
	if f.NeedsKVM {
		build += " --option build-users-group ''"
	}
	if o.System == "aarch64-linux" {
		// Harmless on aarch64 hosts; on others the kernel runs aarch64
		// builders through binfmt_misc (docs/formats.md).
		build += " --option extra-platforms aarch64-linux"
	}
	if o.ShowTrace {
		build += " --show-trace"
	}
	if c := o.Cache; len(c.Substituters) > 0 {
		build += fmt.Sprintf(" --option extra-substituters %s --option extra-trusted-public-keys %s",
			q(strings.Join(c.Substituters, " ")), q(strings.Join(c.TrustedKeys, " ")))
	}
	return build
}

// kvmPreflight fails a VM format's build with isoforge's sentence, before
// Nix refuses it for a missing kvm feature or QEMU fails to open the
// device. The subshell matters: a failed exec redirection ends sh.
func kvmPreflight(f spec.Format) []string {
	if !f.NeedsKVM {
		return nil
	}
	return []string{
		`if ! (exec 3<>/dev/kvm) 2>/dev/null; then`,
		fmt.Sprintf(`  echo %s >&2`, shellQuote("isoforge: "+KVMUnusable(f.Name, "the builder cannot open /dev/kvm"))),
		`  exit 1`,
		`fi`,
	}
}

// findArtifactLines set $artifact: the first file of the format's type
// that hydra-build-products declares and that exists (a postVM may have
// converted and deleted the file make-disk-image.nix declared), else the
// fallback glob. Formats whose nixpkgs module declares no line for the
// final file go straight to the glob, without a warning.
func findArtifactLines(f spec.Format) []string {
	q := shellQuote
	glob := fmt.Sprintf(`artifact=$(find -L "$result/"%s -maxdepth 1 -type f -name %s | sort | head -n 1)`, q(f.ArtifactDir), q(f.ArtifactGlob))
	if f.Product == "" {
		return []string{glob}
	}
	return []string{
		`products="$result/nix-support/hydra-build-products"`,
		"artifact=",
		`if [ -f "$products" ]; then`,
		`  while read -r kind type file rest; do`,
		fmt.Sprintf(`    if [ "$kind" = file ] && [ "$type" = %s ] && [ -f "$file" ]; then artifact=$file; break; fi`, q(f.Product)),
		`  done < "$products"`,
		`fi`,
		`if [ -z "$artifact" ]; then`,
		fmt.Sprintf(`  echo "isoforge: warning: the build result declares no 'file %s' product in nix-support/hydra-build-products; looking for %s/%s instead" >&2`, f.Product, f.ArtifactDir, f.ArtifactGlob),
		"  " + glob,
		`fi`,
	}
}

func artifactKind(f spec.Format) string {
	if f.Product == "" {
		return f.ArtifactGlob
	}
	return f.Product
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
