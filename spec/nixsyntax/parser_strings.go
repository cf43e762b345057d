package nixsyntax

import "strings"

// parseString parses "..." from its opening quote.
func (p *parser) parseString() *String {
	open := p.next()
	s := p.slabs.strs.new()
	for {
		t := *p.peek(0)
		switch t.kind {
		case tStr:
			p.next()
			s.Parts = append(s.Parts, p.newText(t, unescapeStr(p.str[t.from.Offset:t.to.Offset])))
		case tDollarCurly:
			s.Parts = append(s.Parts, p.parseInterpolation())
		case tQuote:
			p.next()
			s.Span = Span{open.from, t.to}
			return s
		default:
			p.unexpected(t, `'"'`)
		}
	}
}

// parseIndString parses ”...” from its opening quotes.
func (p *parser) parseIndString() *IndentedString {
	open := p.next()
	s := &IndentedString{}
	for {
		t := *p.peek(0)
		switch t.kind {
		case tIndStr:
			p.next()
			s.Parts = append(s.Parts, p.newText(t, indStrValue(p.str[t.from.Offset:t.to.Offset])))
		case tDollarCurly:
			s.Parts = append(s.Parts, p.parseInterpolation())
		case tIndClose:
			p.next()
			s.Span = Span{open.from, t.to}
			return s
		default:
			p.unexpected(t, "''")
		}
	}
}

// parsePath parses a path literal and its interpolations, up to the
// PATH_END token the lexer emits where the path stops. As in parser.y,
// literal text right after the first segment must be followed by an
// interpolation.
func (p *parser) parsePath() *Path {
	first := p.next()
	path := &Path{Kind: PathRelative}
	switch {
	case first.kind == tHPath:
		path.Kind = PathHome
	case p.src[first.from.Offset] == '/':
		path.Kind = PathAbsolute
	}
	path.Parts = []Node{p.newText(first, p.text(first))}
	end := first.to
	for {
		t := *p.peek(0)
		switch {
		case t.kind == tPathEnd && (len(path.Parts) != 2 || path.Dynamic):
			p.next()
			path.Span = Span{first.from, end}
			path.Text = p.str[first.from.Offset:end.Offset]
			return path
		case t.kind == tStr && (path.Dynamic || len(path.Parts) == 1):
			p.next()
			path.Parts = append(path.Parts, p.newText(t, p.text(t)))
			end = t.to
		case t.kind == tDollarCurly:
			in := p.parseInterpolation()
			path.Parts = append(path.Parts, in)
			path.Dynamic = true
			end = in.To
		default:
			p.unexpected(t, "'${'")
		}
	}
}

func (p *parser) newText(t token, value string) *Text {
	x := p.slabs.texts.new()
	*x = Text{Span{t.from, t.to}, value}
	return x
}

// unescapeStr resolves the escapes of a "..." string piece as Nix's
// unescapeStr does: \n \r \t, any other escaped byte stands for itself,
// CR and CRLF become LF, and a NUL byte ends the piece.
func unescapeStr(s string) string {
	if !strings.ContainsAny(s, "\\\r\x00") {
		return s
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == 0:
			return string(out)
		case c == '\\' && i+1 < len(s):
			i++
			switch s[i] {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			default:
				c = s[i]
			}
		case c == '\r':
			c = '\n'
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
		}
		out = append(out, c)
	}
	return string(out)
}

// indStrValue is the value of one IND_STR token of lexer.l.
func indStrValue(s string) string {
	switch {
	case s == "''$" || s == "$":
		return "$"
	case s == "'''":
		return "''"
	case s == "'":
		return "'"
	case len(s) == 4 && s[0] == '\'' && s[1] == '\'' && s[2] == '\\':
		return unescapeStr(s[2:])
	}
	return string(s)
}
