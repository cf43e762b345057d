package nixsyntax

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestHostileInputs feeds inputs built to hit deep recursion or quadratic
// rescanning; each must be answered (accepted or a SyntaxError) quickly.
// A quadratic step on a megabyte would take minutes, so the generous
// bound does not depend on the machine's load.
func TestHostileInputs(t *testing.T) {
	const n = 1 << 20
	formals := make([]string, 50000)
	for i := range formals {
		formals[i] = fmt.Sprintf("a%d", i)
	}
	tests := map[string]string{
		"deep parens":          strings.Repeat("(", n),
		"deep lists":           strings.Repeat("[", n),
		"deep sets":            strings.Repeat("{a=", n),
		"deep strings":         strings.Repeat(`"${`, n/3),
		"deep indented":        strings.Repeat(`''${`, n/4),
		"deep lambdas":         strings.Repeat("a: ", n/3) + "a",
		"deep not":             strings.Repeat("!", n) + "true",
		"deep negation":        strings.Repeat("-", n) + "1",
		"long sum":             strings.Repeat("1+", n/2) + "1",
		"long concat":          strings.Repeat("[]++", n/4) + "[]",
		"long or chain":        strings.Repeat("x.y or ", n/7) + "1",
		"long has-attr chain":  "{}" + strings.Repeat("?a", n/2),
		"dotted numbers":       strings.Repeat("1.", n/2),
		"dotted identifiers":   strings.Repeat("a.", n/2) + "a",
		"unterminated comment": strings.Repeat("/*", n/2),
		"search path prefix":   strings.Repeat("<a.", n/3),
		"uri-like":             strings.Repeat("a+", n/2),
		"long list":            "[" + strings.Repeat(" 1", n/2) + "]",
		"long application":     "builtins.map" + strings.Repeat(" 1", n/2),
		"big set pattern":      "{ " + strings.Join(formals, ", ") + " }: [" + strings.Repeat(" a1", 50000) + " ]",
		"many bindings":        "rec {" + strings.Repeat(" a.b.c = 1;", 1) + strings.Join(formals, " = 1; ") + " = 1; }",
		"long string":          `"` + strings.Repeat("a$", n/2) + `"`,
		"long path":            "./a" + strings.Repeat("/b", n/2),
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, err := Parse("hostile.nix", []byte(src))
			var se *SyntaxError
			if err != nil && !errors.As(err, &se) {
				t.Fatalf("error is %T: %v", err, err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v for %d bytes", d, len(src))
			}
		})
	}
}

// TestMaxDepth checks the nesting limit: real files nest far less than
// MaxDepth, hostile ones get a clear error.
func TestMaxDepth(t *testing.T) {
	tests := []struct {
		name, src string
		ok        bool
	}{
		{"parens below", strings.Repeat("(", 300) + "1" + strings.Repeat(")", 300), true},
		{"parens above", strings.Repeat("(", MaxDepth) + "1" + strings.Repeat(")", MaxDepth), false},
		{"sum below", strings.Repeat("1 + ", 900) + "1", true},
		{"sum above", strings.Repeat("1 + ", MaxDepth) + "1", false},
		{"concat below", strings.Repeat("[ ] ++ ", 900) + "[ ]", true},
		{"lists above", strings.Repeat("[ ", MaxDepth+1) + strings.Repeat("] ", MaxDepth+1), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("depth.nix", []byte(tt.src))
			if tt.ok && err != nil {
				t.Fatalf("rejected: %v", err)
			}
			var se *SyntaxError
			if !tt.ok && (!errors.As(err, &se) || !strings.Contains(se.Msg, "nested too deeply")) {
				t.Fatalf("got %v, want a nesting error", err)
			}
		})
	}
}
