package spec

import (
	"bytes"

	"github.com/hashicorp/hcl/v2"
)

// hclDepth scans HCL native syntax and returns how deep it nests, stopping
// at the first place deeper than limit. It is a scanner of its own rather
// than hclsyntax's lexer because it must run in constant memory: the
// lexer materialises ~100 bytes per token, so 4 MiB of brackets took
// hundreds of MiB before anything was refused.
//
// Nesting counts brackets, quoted strings, heredocs, interpolations and
// template directives (%{if}, %{for} until their end). Chained operators
// ("a ? b : c ? ...", "!!!x", "1-1-1...") recurse in the parser or the
// evaluator too, so each adds a level until the element holding it ends:
// at a comma, at its closing bracket, or at a newline outside parentheses
// and square brackets. Where the scanner is unsure it counts more, never
// less.
func hclDepth(src []byte, template bool, limit int) (int, hcl.Pos) {
	s := &scanner{src: src, line: 1, lineStart: 0, limit: limit}
	if template {
		s.frames = []frame{{kind: 'T'}}
	} else {
		s.frames = []frame{{kind: 'E'}}
	}
	for s.i < len(src) && s.max <= limit {
		switch s.top().kind {
		case '"', 'h', 'T':
			s.template()
		default:
			s.expression()
		}
	}
	return s.max, s.at
}

// frame is one open construct: '(' '[' '{' brackets, 'i' an
// interpolation or directive, '"' a quoted string, 'h' a heredoc, 'E' and
// 'T' the top level of an expression or a template.
type frame struct {
	kind   byte
	chain  int    // chained operators or open directives inside it
	marker []byte // a heredoc's closing marker
}

type scanner struct {
	src        []byte
	i          int
	line       int
	lineStart  int
	frames     []frame
	depth, max int
	limit      int
	at         hcl.Pos
	heredocBOL bool // at the start of a heredoc line
}

func (s *scanner) top() *frame { return &s.frames[len(s.frames)-1] }

func (s *scanner) note() {
	if s.depth > s.max {
		s.max = s.depth
		s.at = hcl.Pos{Line: s.line, Column: s.i - s.lineStart + 1, Byte: s.i}
	}
}

func (s *scanner) push(kind byte, marker []byte) {
	s.frames = append(s.frames, frame{kind: kind, marker: marker})
	s.depth++
	s.note()
}

func (s *scanner) pop() {
	if len(s.frames) > 1 {
		s.depth -= 1 + s.top().chain
		s.frames = s.frames[:len(s.frames)-1]
	}
}

func (s *scanner) chain(f *frame, n int) {
	f.chain += n
	s.depth += n
	s.note()
}

func (s *scanner) endChain() {
	s.depth -= s.top().chain
	s.top().chain = 0
}

func (s *scanner) newline() {
	s.line++
	s.lineStart = s.i + 1
}

func (s *scanner) peek(off int) byte {
	if s.i+off < len(s.src) {
		return s.src[s.i+off]
	}
	return 0
}

// expression scans one element of expression syntax.
func (s *scanner) expression() {
	c := s.src[s.i]
	switch {
	case c == '\n':
		if k := s.top().kind; k != '(' && k != '[' {
			s.endChain()
		}
		s.newline()
	case c == '#' || (c == '/' && s.peek(1) == '/'):
		s.skipLine()
		return
	case c == '/' && s.peek(1) == '*':
		s.skipBlockComment()
		return
	case c == '"':
		s.push('"', nil)
	case c == '<' && s.peek(1) == '<' && s.heredoc():
		return
	case c == '(' || c == '[' || c == '{':
		s.push(c, nil)
	case c == ')' || c == ']' || c == '}':
		s.pop()
	case c == ',':
		s.endChain()
	case isIdentStart(c):
		s.skipWhile(isIdentPart)
		return
	case c >= '0' && c <= '9':
		s.skipNumber()
		return
	case c == '=' && s.peek(1) == '=':
		s.chain(s.top(), 1)
		s.i++
	case bytes.IndexByte([]byte("?!-+*/%&|<>"), c) >= 0:
		s.chain(s.top(), 1)
	}
	s.i++
}

// template scans one element of a quoted string, a heredoc or a template.
func (s *scanner) template() {
	f := s.top()
	if f.kind == 'h' && s.heredocBOL && s.closesHeredoc(f.marker) {
		return
	}
	s.heredocBOL = false
	c := s.src[s.i]
	switch {
	case c == '\n':
		s.newline()
		s.heredocBOL = f.kind == 'h'
	case c == '\\' && f.kind == '"':
		s.i++ // the escaped character
	case c == '"' && f.kind == '"':
		s.pop()
	case (c == '$' || c == '%') && s.peek(1) == c && s.peek(2) == '{':
		s.i += 2 // $${ and %%{ are literal
	case c == '$' && s.peek(1) == '{':
		s.push('i', nil)
		s.i++
	case c == '%' && s.peek(1) == '{':
		s.directive(f)
		s.push('i', nil)
		s.i++
	}
	s.i++
}

// directive counts %{if} and %{for} as a level of the template around
// them, which %{endif} and %{endfor} close.
func (s *scanner) directive(f *frame) {
	j := s.i + 2
	for j < len(s.src) && (s.src[j] == ' ' || s.src[j] == '\t' || s.src[j] == '~') {
		j++
	}
	k := j
	for k < len(s.src) && isIdentPart(s.src[k]) {
		k++
	}
	switch string(s.src[j:k]) {
	case "if", "for":
		s.chain(f, 1)
	case "endif", "endfor":
		if f.chain > 0 {
			s.chain(f, -1)
		}
	}
}

// heredoc opens "<<EOT" or "<<-EOT" followed by a newline; anything else
// is left to the operator rule.
func (s *scanner) heredoc() bool {
	j := s.i + 2
	if j < len(s.src) && s.src[j] == '-' {
		j++
	}
	k := j
	for k < len(s.src) && isIdentPart(s.src[k]) {
		k++
	}
	nl := k
	if nl < len(s.src) && s.src[nl] == '\r' {
		nl++
	}
	if k == j || !isIdentStart(s.src[j]) || nl >= len(s.src) || s.src[nl] != '\n' {
		return false
	}
	s.push('h', s.src[j:k])
	s.i = nl
	s.newline()
	s.i = nl + 1
	s.heredocBOL = true
	return true
}

// closesHeredoc reports whether the line at s.i is the heredoc's marker,
// and consumes it.
func (s *scanner) closesHeredoc(marker []byte) bool {
	j := s.i
	for j < len(s.src) && (s.src[j] == ' ' || s.src[j] == '\t') {
		j++
	}
	if !bytes.HasPrefix(s.src[j:], marker) {
		return false
	}
	end := j + len(marker)
	if end < len(s.src) && isIdentPart(s.src[end]) {
		return false
	}
	s.heredocBOL = false
	s.pop()
	s.i = end
	return true
}

func (s *scanner) skipLine() {
	for s.i < len(s.src) && s.src[s.i] != '\n' {
		s.i++
	}
}

func (s *scanner) skipBlockComment() {
	s.i += 2
	for s.i < len(s.src) && !(s.src[s.i] == '*' && s.peek(1) == '/') {
		if s.src[s.i] == '\n' {
			s.newline()
		}
		s.i++
	}
	s.i += 2
}

func (s *scanner) skipWhile(ok func(byte) bool) {
	for s.i < len(s.src) && ok(s.src[s.i]) {
		s.i++
	}
}

// skipNumber consumes 12, 1.5, 1e-5 and 2E+10: the sign of an exponent
// is not an operator.
func (s *scanner) skipNumber() {
	s.skipWhile(func(c byte) bool { return c >= '0' && c <= '9' || c == '.' })
	if c := s.peek(0); c == 'e' || c == 'E' {
		s.i++
		if c := s.peek(0); c == '+' || c == '-' {
			s.i++
		}
		s.skipWhile(func(c byte) bool { return c >= '0' && c <= '9' })
	}
}

// isIdentStart accepts ASCII letters, '_' and any non-ASCII byte (HCL
// identifiers may hold Unicode letters).
func isIdentStart(c byte) bool {
	return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z') || c >= 0x80
}

func isIdentPart(c byte) bool {
	return isIdentStart(c) || c == '-' || (c >= '0' && c <= '9')
}
