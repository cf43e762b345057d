package nixsyntax

import (
	"math"
	"strconv"
)

// lexState is a flex start condition of Nix's lexer.l.
type lexState uint8

const (
	stInitial lexState = iota
	stDefault
	stString
	stIndString
	stInPath
	stInPathSlash
	stPathStart
)

// span is a flex location: where the last match started and ended.
type span struct{ first, last Pos }

// lexer emulates the flex scanner of Nix 2.8 (src/libexpr/lexer.l): rules
// are tried per start condition, the longest match wins and ties go to the
// earlier rule. It also keeps Nix's yylloc bookkeeping, including the
// restores after yyless(0), so that errors land where Nix puts them.
type lexer struct {
	src   []byte
	at    Pos // the next byte to scan
	loc   span
	prev  span // Nix's prev_yylloc
	state lexState
	stack []lexState

	pathRun, schemeRun      runCache
	commentFrom, commentEnd int // the first "*/" at or after commentFrom
}

func newLexer(src []byte) *lexer {
	return &lexer{src: src, at: startPos, loc: span{startPos, startPos}, prev: span{startPos, startPos}, commentFrom: -1, commentEnd: -1,
		pathRun: noRun, schemeRun: noRun}
}

func (l *lexer) push(s lexState) {
	l.stack = append(l.stack, l.state)
	l.state = s
}

func (l *lexer) pop() {
	n := len(l.stack) - 1
	l.state = l.stack[n]
	l.stack = l.stack[:n]
}

// consume matches the next n bytes and updates the locations as Nix's
// adjustLoc does.
func (l *lexer) consume(n int) (from, to Pos) {
	// loc.last always equals at here: locations only lag behind after the
	// end of input.
	l.prev = l.loc
	from = l.at
	l.at = advance(l.at, l.src[l.at.Offset:l.at.Offset+n])
	l.loc = span{from, l.at}
	return from, l.at
}

// unconsume is yyless(0) followed by Nix's `*yylloc = prev_yylloc`.
func (l *lexer) unconsume(from Pos) {
	l.at = from
	l.loc = l.prev
}

// emit makes t a token of kind k spanning Nix's current location: the
// last match for ordinary tokens, the restored location after yyless(0).
func (l *lexer) emit(t *token, k tokKind) {
	*t = token{kind: k, from: l.loc.first, to: l.loc.last}
}

// reject makes t a token the lexer rejects, as Nix's lexer throws.
func (l *lexer) reject(t *token, e lexErr) {
	*t = token{kind: tInvalid, err: e, from: l.loc.first, to: l.loc.last}
}

// next scans the next token into t.
func (l *lexer) next(t *token) {
	for {
		switch l.state {
		case stString:
			l.lexString(t)
			return
		case stIndString:
			l.lexIndString(t)
			return
		case stInPath, stInPathSlash:
			l.lexInPath(t)
			return
		case stPathStart:
			l.lexPathStart(t)
			return
		}
		if l.lexDefault(t) {
			return
		}
	}
}

// Rules of the default start condition, in lexer.l order (ties go to the
// lower number).
const (
	rKeyword = iota
	rEllipsis
	rOp
	rID
	rInt
	rFloat
	rDollarCurly
	rRBrace
	rLBrace
	rQuote
	rIndOpen
	rPathInterp
	rPath
	rHPath
	rSPath
	rURI
	rBlockComment
	rAny
)

// longest is flex's choice among the rules that match: the longest match,
// and of those the earliest rule.
type longest struct{ n, rule int }

func (m *longest) try(n, rule int) {
	if n > m.n || (n == m.n && n > 0 && rule < m.rule) {
		m.n, m.rule = n, rule
	}
}

// lexDefault scans in the INITIAL/DEFAULT start condition; it returns
// false when the match produced no token (blanks, comments, yyless).
func (l *lexer) lexDefault(t *token) bool {
	at := l.at.Offset
	s := l.src[at:]
	if len(s) == 0 {
		l.emit(t, tEOF)
		return true
	}
	switch s[0] {
	case ' ', '\t', '\r', '\n':
		l.consume(matchSpace(s))
		return false
	case '#':
		l.consume(matchLineComment(s))
		return false
	}
	m := longest{1, rAny}
	kw, op := tEOF, tEOF
	c := s[0]
	if n := matchID(s); n > 0 {
		if kw = keyword(s[:n]); kw != tEOF {
			m.try(n, rKeyword)
		} else {
			m.try(n, rID)
		}
		// A URI or path must continue the identifier with one of these.
		if n < len(s) && (s[n] == ':' || s[n] == '+' || s[n] == '.' || s[n] == '/') {
			m.try(l.matchURI(at), rURI)
			m.try(l.matchPathSegInterp(at), rPathInterp)
			m.try(l.matchPath(at), rPath)
		}
	} else if isPathChar(c) || c == '/' {
		m.try(l.matchPathSegInterp(at), rPathInterp)
		m.try(l.matchPath(at), rPath)
	}
	switch {
	case isDigit(c):
		m.try(matchDigits(s), rInt)
		m.try(matchFloat(s), rFloat)
	case c == '.':
		m.try(matchFloat(s), rFloat)
		if hasPrefix(s, "...") {
			m.try(3, rEllipsis)
		}
	case c == '/':
		if len(s) > 1 && s[1] == '*' {
			m.try(l.matchBlockComment(at), rBlockComment)
		}
	case c == '~':
		if hasPrefix(s, "~/${") {
			m.try(4, rPathInterp)
		}
		m.try(l.matchHPath(at), rHPath)
	case c == '<':
		m.try(l.matchSPath(at), rSPath)
	case c == '$':
		if hasPrefix(s, "${") {
			m.try(2, rDollarCurly)
		}
	case c == '{':
		m.try(1, rLBrace)
	case c == '}':
		m.try(1, rRBrace)
	case c == '"':
		m.try(1, rQuote)
	case c == '\'':
		m.try(matchIndOpen(s), rIndOpen)
	}
	if len(s) >= 2 {
		if op = twoCharOp(s[0], s[1]); op != tEOF {
			m.try(2, rOp)
		}
	}
	return l.actDefault(t, m, kw, op)
}

// actDefault runs the action of the chosen default rule.
func (l *lexer) actDefault(t *token, m longest, kw, op tokKind) bool {
	from, to := l.consume(m.n)
	text := l.src[from.Offset:to.Offset]
	switch m.rule {
	case rKeyword:
		l.emit(t, kw)
	case rEllipsis:
		l.emit(t, tEllipsis)
	case rOp:
		l.emit(t, op)
	case rID:
		l.emit(t, tID)
	case rInt:
		l.emit(t, tInt)
		if !validInt(text) {
			l.reject(t, errInt)
		}
	case rFloat:
		l.emit(t, tFloat)
		if !validFloat(string(text)) {
			l.reject(t, errFloat)
		}
	case rDollarCurly:
		l.push(stDefault)
		l.emit(t, tDollarCurly)
	case rLBrace:
		l.push(stDefault)
		l.emit(t, tLBrace)
	case rRBrace:
		// INITIAL only marks the bottom of the stack: never pop it.
		if l.state != stInitial {
			l.pop()
		}
		l.emit(t, tRBrace)
	case rQuote:
		l.push(stString)
		l.emit(t, tQuote)
	case rIndOpen:
		l.push(stIndString)
		l.emit(t, tIndOpen)
	case rPathInterp:
		l.push(stPathStart)
		l.unconsume(from)
		return false
	case rPath:
		l.pushAfterPath(text)
		l.emit(t, tPath)
	case rHPath:
		l.pushAfterPath(text)
		l.emit(t, tHPath)
	case rSPath:
		l.emit(t, tSPath)
	case rURI:
		l.emit(t, tURI)
	case rBlockComment:
		return false
	default:
		k := charTokens[text[0]]
		if k == tEOF && text[0] != 0 {
			k = tInvalid
		}
		l.emit(t, k)
	}
	return true
}

// validInt reports whether a run of digits fits an int64 (Nix's
// boost::lexical_cast<int64_t>).
func validInt(digits []byte) bool {
	var v int64
	for _, c := range digits {
		d := int64(c - '0')
		if v > (math.MaxInt64-d)/10 {
			return false
		}
		v = v*10 + d
	}
	return true
}

// pushAfterPath enters INPATH, or INPATH_SLASH after a trailing '/'.
func (l *lexer) pushAfterPath(text []byte) {
	if text[len(text)-1] == '/' {
		l.push(stInPathSlash)
		return
	}
	l.push(stInPath)
}

// validFloat reports whether C's strtod accepts s without ERANGE, as Nix
// requires: no overflow and no underflow into zero or subnormals.
func validFloat(s string) bool {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) {
		return false
	}
	if v == 0 {
		return !hasNonZeroMantissa(s)
	}
	return math.Abs(v) >= 0x1p-1022
}

func hasNonZeroMantissa(s string) bool {
	for i := 0; i < len(s) && s[i] != 'e' && s[i] != 'E'; i++ {
		if s[i] >= '1' && s[i] <= '9' {
			return true
		}
	}
	return false
}

// twoCharOp returns the operator token spelled a b, or tEOF.
func twoCharOp(a, b byte) tokKind {
	switch {
	case b == '=' && a == '=':
		return tEq
	case b == '=' && a == '!':
		return tNeq
	case b == '=' && a == '<':
		return tLeq
	case b == '=' && a == '>':
		return tGeq
	case a == '&' && b == '&':
		return tAnd
	case a == '|' && b == '|':
		return tOr
	case a == '-' && b == '>':
		return tImpl
	case a == '/' && b == '/':
		return tUpdate
	case a == '+' && b == '+':
		return tConcat
	}
	return tEOF
}
