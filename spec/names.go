package spec

import "github.com/isoforge/isoforge/spec/lazyregexp"

// boundedPattern is a regular expression whose length limit is checked
// apart from it. A bounded repetition such as {0,200} compiles to a
// program with one state per repetition, which costs every validate that
// checks a name (BenchmarkValidateProcess).
type boundedPattern struct {
	re  *lazyregexp.Regexp
	max int
}

// MatchString reports whether s is at most max bytes and matches.
func (p boundedPattern) MatchString(s string) bool {
	return len(s) <= p.max && p.re.MatchString(s)
}

var (
	variantName = boundedPattern{lazyregexp.New(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`), 63}
	fileName    = boundedPattern{lazyregexp.New(`^[A-Za-z0-9][A-Za-z0-9._+-]*$`), 201}
	// A hostname is one DNS label (RFC 1123).
	hostname = boundedPattern{lazyregexp.New(`^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$`), 63}
	// isoImage.volumeID: ISO 9660 volume identifiers hold 32 characters.
	isoLabel = boundedPattern{lazyregexp.New(`^[A-Za-z0-9_.-]+$`), 32}
	revRe    = lazyregexp.New(`^[0-9a-f]{40}$`)
)

// ValidVariantName reports whether name can name a variant's files and
// containers: up to 63 letters, digits, '_', '.' and '-', starting with
// a letter or digit. The lockfile holds variant names to the same rule.
func ValidVariantName(name string) bool { return variantName.MatchString(name) }

// ValidRev reports whether rev is a full nixpkgs commit: 40 lowercase
// hex digits, as isos.hcl, the channel server and the lockfile give it.
func ValidRev(rev string) bool { return revRe.MatchString(rev) }

// ValidFileName reports whether name is a plain file name an artifact may
// take in the output directory (reserved names aside: ReservedFileNames).
func ValidFileName(name string) bool { return fileName.MatchString(name) }
