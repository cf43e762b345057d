package spec

import (
	"fmt"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
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

// SourceKind says how CheckInputBounds lexes a source.
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
// only when it returns no errors. It lexes the input once, without
// recursion, in time and memory linear in its size. The lock file parser
// calls it with SourceConfig and MaxFileBytes.
func CheckInputBounds(src []byte, filename string, kind SourceKind, maxBytes int) hcl.Diagnostics {
	rng := &hcl.Range{Filename: filename, Start: hcl.InitialPos, End: hcl.InitialPos}
	if len(src) > maxBytes {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError, Summary: "Input too large", Subject: rng,
			Detail: fmt.Sprintf("%s is %d bytes; isoforge reads at most %d bytes here. Split it, or move large data into files the build reads.", filename, len(src), maxBytes),
		}}
	}
	if d := checkControlChars(src, filename, kind); d != nil {
		return hcl.Diagnostics{d}
	}
	var depth int
	var at hcl.Pos
	if kind == SourceJSON {
		depth, at = jsonDepth(src)
	} else {
		depth, at = hclDepth(src, filename, kind)
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
func checkControlChars(src []byte, filename string, kind SourceKind) *hcl.Diagnostic {
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
		if isControl(r) && r != '\t' && r != '\r' && !(kind == SourceExpression && r == '\n') {
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

// hclDepth lexes src and returns the deepest nesting and where it is.
// Chained operators ("a ? b : c ? ...", "!!!x", "1-1-1...") also recurse
// in the parser or the evaluator, so each adds a level until the element
// holding it ends: at a comma, at the closing bracket, or at a newline
// outside parentheses and square brackets. Template directives (%{if},
// %{for}) add a level until their end directive.
func hclDepth(src []byte, filename string, kind SourceKind) (int, hcl.Pos) {
	var toks hclsyntax.Tokens
	switch kind {
	case SourceTemplate:
		toks, _ = hclsyntax.LexTemplate(src, filename, hcl.InitialPos)
	case SourceExpression:
		toks, _ = hclsyntax.LexExpression(src, filename, hcl.InitialPos)
	default:
		toks, _ = hclsyntax.LexConfig(src, filename, hcl.InitialPos)
	}
	n := &nesting{frames: []frame{{open: hclsyntax.TokenNil}}}
	var at hcl.Pos
	for i, t := range toks {
		n.step(toks, i)
		if n.depth > n.max {
			n.max, at = n.depth, t.Range.Start
		}
	}
	return n.max, at
}

// frame is one open bracket and the operators chained inside it.
type frame struct {
	open  hclsyntax.TokenType
	chain int
}

type nesting struct {
	frames     []frame
	depth, max int
}

func (n *nesting) top() *frame { return &n.frames[len(n.frames)-1] }

func (n *nesting) push(t hclsyntax.TokenType) {
	n.depth++
	n.frames = append(n.frames, frame{open: t})
}

func (n *nesting) pop() {
	if len(n.frames) > 1 {
		n.depth -= 1 + n.top().chain
		n.frames = n.frames[:len(n.frames)-1]
	}
}

func (n *nesting) endChain() {
	n.depth -= n.top().chain
	n.top().chain = 0
}

func (n *nesting) step(toks hclsyntax.Tokens, i int) {
	t := toks[i].Type
	switch t {
	case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen,
		hclsyntax.TokenTemplateInterp, hclsyntax.TokenOQuote, hclsyntax.TokenOHeredoc:
		n.push(t)
	case hclsyntax.TokenTemplateControl:
		n.push(t)
		n.directive(toks, i)
	case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen,
		hclsyntax.TokenTemplateSeqEnd, hclsyntax.TokenCQuote, hclsyntax.TokenCHeredoc:
		n.pop()
	case hclsyntax.TokenComma:
		n.endChain()
	case hclsyntax.TokenNewline:
		if o := n.top().open; o != hclsyntax.TokenOParen && o != hclsyntax.TokenOBrack {
			n.endChain()
		}
	default:
		if chainOps[t] {
			n.depth++
			n.top().chain++
		}
	}
}

// directive counts %{if} and %{for} as a level that %{endif} and
// %{endfor} close; the levels live in the chain of the template around
// the directive, so that closing the directive's own "}" keeps them.
func (n *nesting) directive(toks hclsyntax.Tokens, i int) {
	if i+1 >= len(toks) || toks[i+1].Type != hclsyntax.TokenIdent {
		return
	}
	base := &n.frames[len(n.frames)-2]
	switch string(toks[i+1].Bytes) {
	case "if", "for":
		n.depth++
		base.chain++
	case "endif", "endfor":
		if base.chain > 0 {
			n.depth--
			base.chain--
		}
	}
}

var chainOps = map[hclsyntax.TokenType]bool{
	hclsyntax.TokenQuestion: true, hclsyntax.TokenBang: true, hclsyntax.TokenMinus: true,
	hclsyntax.TokenPlus: true, hclsyntax.TokenStar: true, hclsyntax.TokenSlash: true,
	hclsyntax.TokenPercent: true, hclsyntax.TokenAnd: true, hclsyntax.TokenOr: true,
	hclsyntax.TokenEqualOp: true, hclsyntax.TokenNotEqual: true,
	hclsyntax.TokenLessThan: true, hclsyntax.TokenLessThanEq: true,
	hclsyntax.TokenGreaterThan: true, hclsyntax.TokenGreaterThanEq: true,
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
