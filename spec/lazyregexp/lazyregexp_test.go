package lazyregexp

import (
	"strings"
	"testing"
)

func TestRegexpBehavesAsRegexp(t *testing.T) {
	r := New(`^a(\d+)$`)
	if !r.MatchString("a12") || r.MatchString("b12") {
		t.Error("MatchString")
	}
	if got := r.FindStringSubmatch("a12"); len(got) != 2 || got[1] != "12" {
		t.Errorf("FindStringSubmatch = %q", got)
	}
	if got := New(`\d`).ReplaceAllStringFunc("a1b2", strings.ToUpper); got != "a1b2" {
		t.Errorf("ReplaceAllStringFunc = %q", got)
	}
}

// TestBadPatternPanicsAtOnceInTests: a typo in a pattern fails the
// package's tests even when no test reaches the pattern's use.
func TestBadPatternPanicsAtOnceInTests(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New accepted a bad pattern")
		}
	}()
	New(`(`)
}
