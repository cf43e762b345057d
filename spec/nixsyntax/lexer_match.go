package nixsyntax

import "bytes"

// Matchers for the named patterns of lexer.l. Each returns the length of
// the longest match at the start of s, or 0.

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

// isPathChar is PATH_CHAR: [a-zA-Z0-9\.\_\-\+].
func isPathChar(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '.' || c == '_' || c == '-' || c == '+'
}

func hasPrefix(s []byte, p string) bool {
	return len(s) >= len(p) && string(s[:len(p)]) == p
}

// matchID is ID: [a-zA-Z\_][a-zA-Z0-9\_\'\-]*.
func matchID(s []byte) int {
	if len(s) == 0 || !(isLetter(s[0]) || s[0] == '_') {
		return 0
	}
	i := 1
	for i < len(s) && (isLetter(s[i]) || isDigit(s[i]) || s[i] == '_' || s[i] == '\'' || s[i] == '-') {
		i++
	}
	return i
}

func matchDigits(s []byte) int {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// matchFloat is FLOAT: (([1-9][0-9]*\.[0-9]*)|(0?\.[0-9]+))([Ee][+-]?[0-9]+)?
func matchFloat(s []byte) int {
	i := 0
	switch {
	case len(s) > 0 && s[0] >= '1' && s[0] <= '9':
		i = matchDigits(s)
		if i >= len(s) || s[i] != '.' {
			return 0
		}
		i++
		i += matchDigits(s[i:])
	default:
		if len(s) > 0 && s[0] == '0' {
			i = 1
		}
		if i >= len(s) || s[i] != '.' {
			return 0
		}
		d := matchDigits(s[i+1:])
		if d == 0 {
			return 0
		}
		i += 1 + d
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if d := matchDigits(s[j:]); d > 0 {
			i = j + d
		}
	}
	return i
}

// runCache remembers the last run of bytes of one class found, so that
// scanning the same run again from a later position costs nothing: flex
// would rescan (e.g. 1.1.1.1... is one long run of path characters tried
// at every token), which is quadratic.
type runCache struct{ from, end int }

// noRun is an empty cache.
var noRun = runCache{from: 1, end: 0}

// run returns where the run of bytes in class starting at at ends.
func (c *runCache) run(src []byte, at int, class func(byte) bool) int {
	if c.from <= at && at <= c.end {
		return c.end
	}
	end := at
	for end < len(src) && class(src[end]) {
		end++
	}
	c.from, c.end = at, end
	return end
}

// pathChars is the length of the run of PATH_CHARs at at.
func (l *lexer) pathChars(at int) int { return l.pathRun.run(l.src, at, isPathChar) - at }

// matchSegments matches (\/{PATH_CHAR}+)+\/? at at and returns its length.
func (l *lexer) matchSegments(at int) int {
	i, segs := at, 0
	for i+1 < len(l.src) && l.src[i] == '/' && isPathChar(l.src[i+1]) {
		i += 1 + l.pathChars(i+1)
		segs++
	}
	if segs == 0 {
		return 0
	}
	if i < len(l.src) && l.src[i] == '/' {
		i++
	}
	return i - at
}

// matchPath is PATH: {PATH_CHAR}*(\/{PATH_CHAR}+)+\/?
func (l *lexer) matchPath(at int) int {
	n := l.pathChars(at)
	m := l.matchSegments(at + n)
	if m == 0 {
		return 0
	}
	return n + m
}

// matchHPath is HPATH: \~(\/{PATH_CHAR}+)+\/?
func (l *lexer) matchHPath(at int) int {
	if m := l.matchSegments(at + 1); m > 0 {
		return 1 + m
	}
	return 0
}

// matchPathSegInterp is {PATH_SEG}\$\{ with PATH_SEG = {PATH_CHAR}*\/.
func (l *lexer) matchPathSegInterp(at int) int {
	n := l.pathChars(at)
	if hasPrefix(l.src[at+n:], "/${") {
		return n + 3
	}
	return 0
}

// matchSPath is SPATH: \<{PATH_CHAR}+(\/{PATH_CHAR}+)*\>
func (l *lexer) matchSPath(at int) int {
	n := l.pathChars(at + 1)
	if n == 0 {
		return 0
	}
	i := at + 1 + n
	for i+1 < len(l.src) && l.src[i] == '/' && isPathChar(l.src[i+1]) {
		i += 1 + l.pathChars(i+1)
	}
	if i < len(l.src) && l.src[i] == '>' {
		return i + 1 - at
	}
	return 0
}

// isURIChar is the class after the colon of URI.
func isURIChar(c byte) bool {
	if isLetter(c) || isDigit(c) {
		return true
	}
	switch c {
	case '%', '/', '?', ':', '@', '&', '=', '+', '$', ',', '-', '_', '.', '!', '~', '*', '\'':
		return true
	}
	return false
}

func isSchemeChar(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '+' || c == '-' || c == '.'
}

// matchURI is URI: [a-zA-Z][a-zA-Z0-9\+\-\.]*\:[a-zA-Z0-9\%\/\?\:\@\&\=\+\$\,\-\_\.\!\~\*\']+
func (l *lexer) matchURI(at int) int {
	if !isLetter(l.src[at]) {
		return 0
	}
	i := l.schemeRun.run(l.src, at+1, isSchemeChar)
	if i >= len(l.src) || l.src[i] != ':' {
		return 0
	}
	j := i + 1
	for j < len(l.src) && isURIChar(l.src[j]) {
		j++
	}
	if j == i+1 {
		return 0
	}
	return j - at
}

// matchIndOpen is \'\'(\ *\n)?
func matchIndOpen(s []byte) int {
	if !hasPrefix(s, "''") {
		return 0
	}
	i := 2
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i < len(s) && s[i] == '\n' {
		return i + 1
	}
	return 2
}

func matchSpace(s []byte) int {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n') {
		i++
	}
	return i
}

// matchLineComment is \#[^\r\n]*
func matchLineComment(s []byte) int {
	i := 1
	for i < len(s) && s[i] != '\r' && s[i] != '\n' {
		i++
	}
	return i
}

// matchBlockComment is \/\*([^*]|\*+[^*/])*\*+\/ : it ends at the first
// "*/" after the opening "/*"; without one it does not match. The search
// result is remembered, so many unterminated "/*" stay linear.
func (l *lexer) matchBlockComment(at int) int {
	from := at + 2
	if l.commentEnd < from || l.commentFrom > from {
		l.commentFrom = from
		l.commentEnd = len(l.src)
		if k := bytes.Index(l.src[from:], []byte("*/")); k >= 0 {
			l.commentEnd = from + k
		}
	}
	if l.commentEnd == len(l.src) {
		return 0
	}
	return l.commentEnd + 2 - at
}
