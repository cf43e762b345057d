package nixsyntax

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

func matchPathChars(s []byte) int {
	i := 0
	for i < len(s) && isPathChar(s[i]) {
		i++
	}
	return i
}

// matchSegments matches (\/{PATH_CHAR}+)+\/? and returns its length.
func matchSegments(s []byte) int {
	i, segs := 0, 0
	for i+1 < len(s) && s[i] == '/' && isPathChar(s[i+1]) {
		i += 1 + matchPathChars(s[i+1:])
		segs++
	}
	if segs == 0 {
		return 0
	}
	if i < len(s) && s[i] == '/' {
		i++
	}
	return i
}

// matchPath is PATH: {PATH_CHAR}*(\/{PATH_CHAR}+)+\/?
func matchPath(s []byte) int {
	n := matchPathChars(s)
	m := matchSegments(s[n:])
	if m == 0 {
		return 0
	}
	return n + m
}

// matchHPath is HPATH: \~(\/{PATH_CHAR}+)+\/?
func matchHPath(s []byte) int {
	if len(s) == 0 || s[0] != '~' {
		return 0
	}
	if m := matchSegments(s[1:]); m > 0 {
		return 1 + m
	}
	return 0
}

// matchPathSegInterp is {PATH_SEG}\$\{ with PATH_SEG = {PATH_CHAR}*\/.
func matchPathSegInterp(s []byte) int {
	n := matchPathChars(s)
	if hasPrefix(s[n:], "/${") {
		return n + 3
	}
	return 0
}

// matchSPath is SPATH: \<{PATH_CHAR}+(\/{PATH_CHAR}+)*\>
func matchSPath(s []byte) int {
	if len(s) < 3 || s[0] != '<' {
		return 0
	}
	n := matchPathChars(s[1:])
	if n == 0 {
		return 0
	}
	i := 1 + n
	for i+1 < len(s) && s[i] == '/' && isPathChar(s[i+1]) {
		i += 1 + matchPathChars(s[i+1:])
	}
	if i < len(s) && s[i] == '>' {
		return i + 1
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

// matchURI is URI: [a-zA-Z][a-zA-Z0-9\+\-\.]*\:[a-zA-Z0-9\%\/\?\:\@\&\=\+\$\,\-\_\.\!\~\*\']+
func matchURI(s []byte) int {
	if len(s) == 0 || !isLetter(s[0]) {
		return 0
	}
	i := 1
	for i < len(s) && (isLetter(s[i]) || isDigit(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.') {
		i++
	}
	if i >= len(s) || s[i] != ':' {
		return 0
	}
	j := i + 1
	for j < len(s) && isURIChar(s[j]) {
		j++
	}
	if j == i+1 {
		return 0
	}
	return j
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
// "*/" after the opening "/*"; without one it does not match.
func matchBlockComment(s []byte) int {
	if !hasPrefix(s, "/*") {
		return 0
	}
	for i := 2; i+1 < len(s); i++ {
		if s[i] == '*' && s[i+1] == '/' {
			return i + 2
		}
	}
	return 0
}
