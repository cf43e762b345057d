package spec

import (
	"fmt"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Limits on untrusted input. The HCL parser and evaluator recurse once per
// nesting level with deep stack frames: ~60k nested brackets overflow Go's
// 1 GB stack and kill the process, so input is measured before parsing.
const (
	// MaxFileBytes bounds isos.hcl, *.isos.hcl, var files, the lock file
	// and every file read by file(), templatefile() and friends.
	MaxFileBytes = 4 << 20
	// MaxVarBytes bounds one -var value or ISOFORGE_VAR_* variable (Linux
	// itself passes at most 128 KiB in one argument).
	MaxVarBytes = 64 << 10
	// MaxNestingDepth bounds brackets, interpolations, quoted strings and
	// chains of conditionals or unary operators nested in each other. Real
	// configurations stay below 20.
	MaxNestingDepth = 128
)

// SourceKind says how CheckInputBounds scans a source.
type SourceKind int

// Source kinds.
const (
	SourceConfig     SourceKind = iota // an HCL file (isos.hcl, a lock, an HCL var file)
	SourceExpression                   // one HCL expression (a -var value)
	SourceTemplate                     // a templatefile() template
	SourceJSON                         // a JSON var file
)

// CheckInputBounds refuses input that is too large, too deeply nested or
// holds raw control characters, before any parser sees it: callers parse
// only when it returns no errors. It scans the input once, without
// recursion, in linear time and constant memory. The lock file parser
// calls it with SourceConfig and its own size bound (lockfile.MaxSize).
func CheckInputBounds(src []byte, filename string, kind SourceKind, maxBytes int) hcl.Diagnostics {
	rng := &hcl.Range{Filename: filename, Start: hcl.InitialPos, End: hcl.InitialPos}
	if len(src) > maxBytes {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError, Summary: "Input too large", Subject: rng,
			Detail: fmt.Sprintf("%s is %d bytes; isoforge reads at most %d bytes here. Split it, or move large data into files the build reads.", filename, len(src), maxBytes),
		}}
	}
	if d := checkControlChars(src, filename); d != nil {
		return hcl.Diagnostics{d}
	}
	var depth int
	var at hcl.Pos
	if kind == SourceJSON {
		depth, at = jsonDepth(src)
	} else {
		depth, at = hclDepth(src, kind == SourceTemplate, MaxNestingDepth)
	}
	if depth <= MaxNestingDepth {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError, Summary: "Input nested too deeply",
		Subject: &hcl.Range{Filename: filename, Start: at, End: at},
		Detail:  fmt.Sprintf("Brackets, strings, interpolations and conditionals nest more than %d levels deep here; isoforge refuses such input instead of risking a crash. Flatten the expression.", MaxNestingDepth),
	}}
}

// checkControlChars refuses raw control characters other than tab, line
// feed and carriage return: they would reach the terminal in diagnostic
// snippets. An escape such as "\u0007" inside a string is still parsed,
// and the checks of the decoded value refuse it where it matters.
func checkControlChars(src []byte, filename string) *hcl.Diagnostic {
	if !utf8.Valid(src) {
		return &hcl.Diagnostic{
			Severity: hcl.DiagError, Summary: "Invalid UTF-8",
			Subject: &hcl.Range{Filename: filename, Start: hcl.InitialPos, End: hcl.InitialPos},
			Detail:  fmt.Sprintf("%s is not valid UTF-8 text.", filename),
		}
	}
	line, col := 1, 1
	for i, r := range string(src) {
		if r == '\n' {
			line, col = line+1, 1
			continue
		}
		if isControl(r) && r != '\t' && r != '\r' {
			pos := hcl.Pos{Line: line, Column: col, Byte: i}
			return &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: "Control character in input",
				Subject: &hcl.Range{Filename: filename, Start: pos, End: pos},
				Detail:  fmt.Sprintf("%s holds the control character %U, which isoforge refuses in its input (it could rewrite the terminal). Remove it, or write it as an escape sequence inside a string.", filename, r),
			}
		}
		col++
	}
	return nil
}

// isControl reports C0 and C1 control characters and DEL.
func isControl(r rune) bool {
	return r < 0x20 || (r >= 0x7f && r < 0xa0)
}

// jsonDepth returns the deepest bracket nesting of JSON text, skipping
// strings, and the byte offset where it is.
func jsonDepth(src []byte) (int, hcl.Pos) {
	depth, maxDepth, inString, escaped := 0, 0, false, false
	var at hcl.Pos
	for i, c := range src {
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case inString:
		case c == '{' || c == '[':
			depth++
			if depth > maxDepth {
				maxDepth, at = depth, hcl.Pos{Line: 1, Column: 1, Byte: i}
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return maxDepth, at
}

// checkRawBounds bounds a -var or ISOFORGE_VAR_ value: its size always,
// and its nesting when it is parsed as an HCL expression. Its diagnostics
// never quote the value, which may be a secret.
func checkRawBounds(raw, from string, v *variable) hcl.Diagnostics {
	if len(raw) > MaxVarBytes {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError, Summary: "Variable value too large",
			Detail: fmt.Sprintf("The value given by %s is %d bytes; isoforge accepts at most %d. Read large values from a file with file() instead.", from, len(raw), MaxVarBytes),
		}}
	}
	if v.Type == cty.String || v.Type == cty.DynamicPseudoType {
		return nil
	}
	diags := CheckInputBounds([]byte(raw), from, SourceExpression, MaxVarBytes)
	for _, d := range diags {
		d.Subject = nil // the range would point into the secret
	}
	return diags
}
