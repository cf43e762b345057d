// Package lazyregexp is a regexp.Regexp compiled on first use, as the Go
// command's own internal/lazyregexp is.
//
// Package-level patterns compile when every isoforge process starts,
// whether or not the command uses them: thirty of them cost `validate`
// about half a millisecond of a run that must stay near 15 ms
// (BenchmarkValidateProcess), though it uses a handful.
package lazyregexp

import (
	"os"
	"regexp"
	"strings"
	"sync"
)

// inTest is true in a test binary, which compiles every pattern at once.
var inTest = len(os.Args) > 0 && strings.HasSuffix(strings.TrimSuffix(os.Args[0], ".exe"), ".test")

// Regexp is a regular expression compiled the first time it is used.
type Regexp struct {
	compile func() *regexp.Regexp
}

// New returns expr as a Regexp. A bad expr panics on first use (and at
// once under `go test`, so a typo cannot hide in an untested branch).
func New(expr string) *Regexp {
	r := &Regexp{compile: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })}
	if inTest {
		r.compile()
	}
	return r
}

// MatchString reports whether s contains a match.
func (r *Regexp) MatchString(s string) bool { return r.compile().MatchString(s) }

// FindStringSubmatch returns the leftmost match and its submatches.
func (r *Regexp) FindStringSubmatch(s string) []string { return r.compile().FindStringSubmatch(s) }

// ReplaceAllStringFunc replaces every match with repl's result.
func (r *Regexp) ReplaceAllStringFunc(s string, repl func(string) string) string {
	return r.compile().ReplaceAllStringFunc(s, repl)
}
