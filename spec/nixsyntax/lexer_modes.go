package nixsyntax

// lexString scans inside "...": literal text, ${, or the closing quote.
func (l *lexer) lexString(t *token) {
	s := l.src[l.at.Offset:]
	if len(s) == 0 {
		l.emit(t, tEOF)
		return
	}
	if n := matchStrText(s); n > 0 {
		// ([^$"\\]|\$[^{"\\]|\\.|\$\\.)* followed by a '$' before the
		// closing quote is one STR too (the trailing-context rule).
		if n < len(s)-1 && s[n] == '$' && s[n+1] == '"' {
			n++
		}
		l.consume(n)
		l.emit(t, tStr)
		return
	}
	switch {
	case hasPrefix(s, "$\""):
		l.consume(1)
		l.emit(t, tStr)
		return
	case hasPrefix(s, "${"):
		l.consume(2)
		l.push(stDefault)
		l.emit(t, tDollarCurly)
		return
	case s[0] == '"':
		l.consume(1)
		l.pop()
		l.emit(t, tQuote)
		return
	}
	// A lone '$', '\' or '$\' before the end of input: Nix returns it as
	// STR and the parser then fails at the end of file.
	n := 1
	if hasPrefix(s, "$\\") {
		n = 2
	}
	l.consume(n)
	l.emit(t, tStr)
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
func (l *lexer) lexIndString(t *token) {
	s := l.src[l.at.Offset:]
	if len(s) == 0 {
		l.emit(t, tEOF)
		return
	}
	if n := matchIndText(s); n > 0 {
		l.consume(n)
		l.emit(t, tIndStr)
		return
	}
	switch {
	case hasPrefix(s, "''$"), hasPrefix(s, "'''"):
		l.consume(3)
		l.emit(t, tIndStr)
		return
	case hasPrefix(s, "''\\") && len(s) >= 4:
		l.consume(4)
		l.emit(t, tIndStr)
		return
	case hasPrefix(s, "${"):
		l.consume(2)
		l.push(stDefault)
		l.emit(t, tDollarCurly)
		return
	case hasPrefix(s, "''"):
		l.consume(2)
		l.pop()
		l.emit(t, tIndClose)
		return
	}
	// A lone '$' or '\''.
	l.consume(1)
	l.emit(t, tIndStr)
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
func (l *lexer) lexPathStart(t *token) {
	s := l.src[l.at.Offset:]
	l.pop()
	l.push(stInPathSlash)
	if s[0] == '~' {
		l.consume(2)
		l.emit(t, tHPath)
		return
	}
	l.consume(l.pathChars(l.at.Offset) + 1)
	l.emit(t, tPath)
}

// lexInPath scans right after a path segment: more path text, an
// interpolation, or the end of the path.
func (l *lexer) lexInPath(t *token) {
	s := l.src[l.at.Offset:]
	if hasPrefix(s, "${") {
		l.consume(2)
		l.pop()
		l.push(stInPath)
		l.push(stDefault)
		l.emit(t, tDollarCurly)
		return
	}
	n := max(l.matchPath(l.at.Offset), l.pathChars(l.at.Offset))
	if seg := l.pathChars(l.at.Offset); seg < len(s) && s[seg] == '/' {
		n = max(n, seg+1)
	}
	if n > 0 {
		from, to := l.consume(n)
		l.pop()
		l.pushAfterPath(l.src[from.Offset:to.Offset])
		l.emit(t, tStr)
		return
	}
	if l.state == stInPathSlash {
		if len(s) > 0 {
			l.consume(1)
		}
		l.reject(t, errTrailingSlash)
		return
	}
	// Any other byte (or the end) ends the path; Nix re-scans the byte in
	// the enclosing condition and restores the previous location.
	l.pop()
	if len(s) > 0 {
		at := l.at
		l.consume(1)
		l.unconsume(at)
	} else {
		l.loc = l.prev
	}
	l.emit(t, tPathEnd)
}
