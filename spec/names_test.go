package spec

import (
	"strings"
	"testing"
)

// TestNamePatternLimits: the length limits the patterns no longer carry
// hold at their exact bounds.
func TestNamePatternLimits(t *testing.T) {
	tests := []struct {
		name string
		p    pattern
		in   string
		want bool
	}{
		{"variant 63", variantName, "a" + strings.Repeat("b", 62), true},
		{"variant 64", variantName, "a" + strings.Repeat("b", 63), false},
		{"variant leading dash", variantName, "-a", false},
		{"variant empty", variantName, "", false},
		{"file 201", fileName, "a" + strings.Repeat("b", 200), true},
		{"file 202", fileName, "a" + strings.Repeat("b", 201), false},
		{"file slash", fileName, "a/b.iso", false},
		{"file leading dot", fileName, ".iso", false},
		{"hostname 63", hostname, strings.Repeat("h", 63), true},
		{"hostname 64", hostname, strings.Repeat("h", 64), false},
		{"hostname one letter", hostname, "h", true},
		{"hostname trailing dash", hostname, "h-", false},
		{"label 32", isoLabel, strings.Repeat("L", 32), true},
		{"label 33", isoLabel, strings.Repeat("L", 33), false},
		{"label empty", isoLabel, "", false},
	}
	for _, tt := range tests {
		if got := tt.p.MatchString(tt.in); got != tt.want {
			t.Errorf("%s: MatchString(%q) = %v, want %v", tt.name, tt.in, got, tt.want)
		}
	}
}
