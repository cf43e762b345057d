// Package render turns a variant into the NixOS module (iso.nix) a person
// would have written by hand for it.
package render

import (
	"strings"
)

// nixKeywords cannot be attribute names without quotes.
var nixKeywords = map[string]bool{
	"assert": true, "else": true, "if": true, "in": true, "inherit": true,
	"let": true, "or": true, "rec": true, "then": true, "with": true,
}

var stringEscaper = strings.NewReplacer(
	`\`, `\\`,
	`"`, `\"`,
	// Escaping every '$' is simpler than tracking "${" and "$${" and is
	// always read back as '$'.
	`$`, `\$`,
	"\n", `\n`,
	"\r", `\r`,
	"\t", `\t`,
)

// String quotes s as a Nix double-quoted string literal. Nix strings
// cannot hold NUL bytes; the spec rejects them before rendering.
func String(s string) string {
	return `"` + stringEscaper.Replace(s) + `"`
}

// AttrPath renders a dotted nixpkgs attribute path below root, quoting
// segments that are Nix keywords. The spec has checked every segment.
func AttrPath(root, path string) string {
	var b strings.Builder
	b.WriteString(root)
	for _, seg := range strings.Split(path, ".") {
		b.WriteByte('.')
		if nixKeywords[seg] {
			b.WriteString(String(seg))
			continue
		}
		b.WriteString(seg)
	}
	return b.String()
}
