package spec

import "regexp"

// boundedPattern is a regular expression whose length limit is checked
// apart from it. A bounded repetition such as {0,200} compiles to a
// program with one state per repetition, and package-level patterns
// compile when every isoforge process starts: a dozen of them cost a
// millisecond of each validate (BenchmarkValidateProcess).
type boundedPattern struct {
	re  *regexp.Regexp
	max int
}

// MatchString reports whether s is at most max bytes and matches.
func (p boundedPattern) MatchString(s string) bool {
	return len(s) <= p.max && p.re.MatchString(s)
}

var (
	variantName = boundedPattern{regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`), 63}
	fileName    = boundedPattern{regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]*$`), 201}
	// A hostname is one DNS label (RFC 1123).
	hostname = boundedPattern{regexp.MustCompile(`^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$`), 63}
	// isoImage.volumeID: ISO 9660 volume identifiers hold 32 characters.
	isoLabel = boundedPattern{regexp.MustCompile(`^[A-Za-z0-9_.-]+$`), 32}
)

// ValidVariantName reports whether name can name a variant's files and
// containers: up to 63 letters, digits, '_', '.' and '-', starting with
// a letter or digit. The lockfile holds variant names to the same rule.
func ValidVariantName(name string) bool { return variantName.MatchString(name) }

// ValidFileName reports whether name is a plain file name an artifact may
// take in the output directory (reserved names aside: ReservedFileNames).
func ValidFileName(name string) bool { return fileName.MatchString(name) }
