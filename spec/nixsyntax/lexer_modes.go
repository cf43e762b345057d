package nixsyntax

// lexString scans inside "...": literal text, ${, or the closing quote.
func (l *lexer) lexString() token {
	s := l.src[l.at.Offset:]
	if len(s) == 0 {
		return l.eof()
	}
	if n := matchStrText(s); n > 0 {
		// ([^$"\\]|\$[^{"\\]|\\.|\$\\.)* followed by a '$' before the
		// closing quote is one STR too (the trailing-context rule).
		if n < len(s)-1 && s[n] == '$' && s[n+1] == '"' {
			n++
		}
		from, to := l.consume(n)
		return l.tok(tStr, from, to)
	}
	switch {
	case hasPrefix(s, "$\""):
		from, to := l.consume(1)
		return l.tok(tStr, from, to)
	case hasPrefix(s, "${"):
		from, to := l.consume(2)
		l.push(stDefault)
		return l.tok(tDollarCurly, from, to)
	case s[0] == '"':
		from, to := l.consume(1)
		l.pop()
		return l.tok(tQuote, from, to)
	}
	// A lone '$', '\' or '$\' before the end of input: Nix returns it as
	// STR and the parser then fails at the end of file.
	n := 1
	if hasPrefix(s, "$\\") {
		n = 2
	}
	from, to := l.consume(n)
	return l.tok(tStr, from, to)
}

// matchStrText is the length of ([^$"\\]|\$[^{"\\]|\\ANY|\$\\ANY)* at s.
// Each unit is decided by its first byte, so the greedy scan is the
// longest match.
func matchStrText(s []byte) int {
	i := 0
	for i < len(s) {
		switch s[i] {
		case '"':
			return i
		case '\\':
			if i+1 >= len(s) {
				return i
			}
			i += 2
		case '$':
			if i+1 >= len(s) {
				return i
			}
			switch s[i+1] {
			case '{', '"':
				return i
			case '\\':
				if i+2 >= len(s) {
					return i
				}
				i += 3
			default:
				i += 2
			}
		default:
			i++
		}
	}
	return i
}

// lexIndString scans inside ”...”.
func (l *lexer) lexIndString() token {
	s := l.src[l.at.Offset:]
	if len(s) == 0 {
		return l.eof()
	}
	if n := matchIndText(s); n > 0 {
		from, to := l.consume(n)
		return l.tok(tIndStr, from, to)
	}
	switch {
	case hasPrefix(s, "''$"), hasPrefix(s, "'''"):
		from, to := l.consume(3)
		return l.tok(tIndStr, from, to)
	case hasPrefix(s, "''\\") && len(s) >= 4:
		from, to := l.consume(4)
		return l.tok(tIndStr, from, to)
	case hasPrefix(s, "${"):
		from, to := l.consume(2)
		l.push(stDefault)
		return l.tok(tDollarCurly, from, to)
	case hasPrefix(s, "''"):
		from, to := l.consume(2)
		l.pop()
		return l.tok(tIndClose, from, to)
	}
	// A lone '$' or '\''.
	from, to := l.consume(1)
	return l.tok(tIndStr, from, to)
}

// matchIndText is the length of ([^$']|\$[^{']|'[^'$])* at s.
func matchIndText(s []byte) int {
	i := 0
	for i < len(s) {
		switch s[i] {
		case '$':
			if i+1 >= len(s) || s[i+1] == '{' || s[i+1] == '\'' {
				return i
			}
			i += 2
		case '\'':
			if i+1 >= len(s) || s[i+1] == '\'' || s[i+1] == '$' {
				return i
			}
			i += 2
		default:
			i++
		}
	}
	return i
}

// lexPathStart re-scans the first segment of a path that is directly
// followed by ${ (lexer.l's PATH_START condition).
func (l *lexer) lexPathStart() token {
	s := l.src[l.at.Offset:]
	l.pop()
	l.push(stInPathSlash)
	if s[0] == '~' {
		from, to := l.consume(2)
		return l.tok(tHPath, from, to)
	}
	from, to := l.consume(matchPathChars(s) + 1)
	return l.tok(tPath, from, to)
}

// lexInPath scans right after a path segment: more path text, an
// interpolation, or the end of the path.
func (l *lexer) lexInPath() token {
	s := l.src[l.at.Offset:]
	if hasPrefix(s, "${") {
		from, to := l.consume(2)
		l.pop()
		l.push(stInPath)
		l.push(stDefault)
		return l.tok(tDollarCurly, from, to)
	}
	n := max(matchPath(s), matchPathChars(s))
	if seg := matchPathChars(s); seg < len(s) && s[seg] == '/' {
		n = max(n, seg+1)
	}
	if n > 0 {
		from, to := l.consume(n)
		l.pop()
		l.pushAfterPath(l.src[from.Offset:to.Offset])
		return l.tok(tStr, from, to)
	}
	if l.state == stInPathSlash {
		if len(s) > 0 {
			l.consume(1)
		}
		return l.lexErr("path has a trailing slash", l.at, l.at)
	}
	// Any other byte (or the end) ends the path; Nix re-scans the byte in
	// the enclosing condition and restores the previous location.
	l.pop()
	at := l.at
	if len(s) > 0 {
		l.consume(1)
		l.unconsume(at)
	} else {
		l.loc = l.prev
	}
	return token{kind: tPathEnd, from: at, to: at, loc: l.loc.first, locEnd: l.loc.last}
}
