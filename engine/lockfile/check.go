package lockfile

import (
	"fmt"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/isoforge/isoforge/spec"
	"github.com/isoforge/isoforge/spec/lazyregexp"
)

// The exact formats of lockfile values. The lock is committed next to
// isos.hcl and is as untrusted as it: every value is checked as strictly
// as isos.hcl checks its own, whether it comes from the file or from the
// parse cache.
var (
	channelRe = lazyregexp.New(`^(nixos|nixpkgs)-[a-z0-9.-]+$`)
	narHashRe = lazyregexp.New(`^sha256-[A-Za-z0-9+/]{43}=$`)
	h1Re      = lazyregexp.New(`^h1:[A-Za-z0-9+/]{43}=$`)
	hexRe     = lazyregexp.New(`^[0-9a-f]{64}$`)
	inputRe   = lazyregexp.New(`^[0-9a-f]{16}$`)
	// Lengths are checked apart (formatOK, imageRefOK): bounded
	// repetitions compile slowly, in every process that checks a lock
	// (spec/names.go).
	formatRe   = lazyregexp.New(`^[a-z0-9][a-z0-9-]*$`)
	dirSegRe   = lazyregexp.New(`^[A-Za-z0-9_][A-Za-z0-9._+-]*$`)
	imageIDRe  = lazyregexp.New(`^sha256:[0-9a-f]{64}$`)
	imageRefRe = lazyregexp.New(`^[a-zA-Z0-9][a-zA-Z0-9._/:@+-]*$`)
)

func formatOK(s string) bool   { return len(s) <= 63 && formatRe.MatchString(s) }
func imageRefOK(s string) bool { return len(s) <= 255 && imageRefRe.MatchString(s) }

// problem is one bad value: the attribute and what is wrong with it.
type problem struct {
	attr, msg string
}

// checkPin lists what is wrong with a pin.
func checkPin(p Pin) []problem {
	var out []problem
	bad := func(attr, msg string) { out = append(out, problem{attr, msg}) }
	if p.Channel != "" && !channelRe.MatchString(p.Channel) {
		bad("channel", fmt.Sprintf("%q is not a channel name such as \"nixos-24.11\"", p.Channel))
	}
	if p.Rev != "" && !spec.ValidRev(p.Rev) {
		bad("rev", fmt.Sprintf("%q is not a full git commit (40 lowercase hex digits)", p.Rev))
	}
	if p.Channel != "" && p.Rev == "" {
		bad("rev", "a channel pin needs the revision it resolved to")
	}
	if p.Rev != "" && p.Path != "" {
		bad("path", "a pin is either a revision or a local path, not both")
	}
	if p.Rev != "" && !archiveURLOK(p.URL, p.Rev) {
		bad("url", fmt.Sprintf("%q is not an http(s) URL of the archive of revision %s (…/%s.tar.gz)", p.URL, p.Rev, p.Rev))
	}
	if p.Rev == "" && p.URL != "" {
		bad("url", "a local path pin has no archive URL")
	}
	if p.Path != "" && !relPathOK(p.Path) {
		bad("path", fmt.Sprintf("%q is not a relative path inside the configuration directory", p.Path))
	}
	if p.NarHash != "" && !narHashRe.MatchString(p.NarHash) {
		bad("nar_hash", fmt.Sprintf("%q is not an SRI SHA-256 NAR hash (sha256- and 44 base64 characters)", p.NarHash))
	}
	if p.Rev == "" && p.NarHash == "" {
		bad("nar_hash", "a local path pin needs the NAR hash of its tree")
	}
	return out
}

// archiveURLOK accepts http(s) URLs whose path ends in /<rev>.tar.gz,
// with nothing that could redirect the fetch elsewhere (credentials,
// dot segments, a query).
func archiveURLOK(raw, rev string) bool {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(raw, " \t\r\n\\'\"") {
		return false
	}
	return path.Clean(u.Path) == u.Path && strings.HasSuffix(u.Path, "/"+rev+".tar.gz")
}

// relPathOK accepts clean slash paths below the current directory.
func relPathOK(p string) bool {
	if p == "." {
		return true
	}
	if path.Clean(p) != p || path.IsAbs(p) {
		return false
	}
	for _, seg := range strings.Split(p, "/") {
		if !dirSegRe.MatchString(seg) {
			return false
		}
	}
	return true
}

// checkBuilder lists what is wrong with a builder record.
func checkBuilder(b Builder) []problem {
	var out []problem
	if !imageRefOK(b.Image) {
		out = append(out, problem{"image", fmt.Sprintf("%q is not an image reference", b.Image)})
	}
	if !imageIDRe.MatchString(b.ID) {
		out = append(out, problem{"id", "not an image ID (sha256: and 64 lowercase hex digits)"})
	}
	return out
}

// checkEntry lists what is wrong with a variant's entry.
func checkEntry(name string, e Entry) []problem {
	var out []problem
	bad := func(attr, msg string) { out = append(out, problem{attr, msg}) }
	if !spec.ValidVariantName(name) {
		bad("name", fmt.Sprintf("%q is not a variant name (letters, digits, '_', '.', '-')", name))
	}
	if !h1Re.MatchString(e.InputsHash) {
		bad("inputs_hash", "not an h1: hash (h1: and 44 base64 characters)")
	}
	if !formatOK(e.Format) {
		bad("format", fmt.Sprintf("%q is not a format name", e.Format))
	}
	if !artifactOK(e.Artifact) {
		bad("artifact", fmt.Sprintf("%q is not a plain file name inside the output directory (e.g. \"out/%s.iso\")", e.Artifact, name))
	}
	if !hexRe.MatchString(e.SHA256) {
		bad("sha256", "not a SHA-256 digest (64 lowercase hex digits)")
	}
	if e.Size < 0 {
		bad("size", "a size is a whole number of bytes, at least 0")
	}
	for n, h := range e.Inputs {
		if !inputRe.MatchString(h) || !inputNameOK(n) {
			bad("inputs", fmt.Sprintf("input %q has a malformed hash or name", n))
			break
		}
	}
	return out
}

// artifactOK accepts "<output dir>/<file name>" with a clean relative
// output directory: the lock can never name a file elsewhere.
func artifactOK(a string) bool {
	dir, file := path.Split(a)
	return dir != "" && relPathOK(strings.TrimSuffix(dir, "/")) && spec.ValidFileName(file) &&
		!slices.Contains(spec.ReservedFileNames, file)
}

func inputNameOK(n string) bool {
	if n == "" || len(n) > 4096 {
		return false
	}
	for _, r := range n {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}
