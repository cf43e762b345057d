package nixsyntax

import (
	"fmt"
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
}

func newLexer(src []byte) *lexer {
	return &lexer{src: src, at: startPos, loc: span{startPos, startPos}, prev: span{startPos, startPos}}
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
	text := l.src[l.at.Offset : l.at.Offset+n]
	l.prev = l.loc
	l.loc.first = l.loc.last
	l.loc.last = advance(l.loc.last, text)
	from = l.at
	l.at = advance(l.at, text)
	return from, l.at
}

// unconsume is yyless(0) followed by Nix's `*yylloc = prev_yylloc`.
func (l *lexer) unconsume(from Pos) {
	l.at = from
	l.loc = l.prev
}

func (l *lexer) tok(k tokKind, from, to Pos) token {
	return token{kind: k, from: from, to: to, loc: l.loc.first, locEnd: l.loc.last}
}

func (l *lexer) eof() token {
	return token{kind: tEOF, from: l.at, to: l.at, loc: l.loc.first, locEnd: l.loc.last}
}

func (l *lexer) lexErr(msg string, from, to Pos) token {
	return token{kind: tInvalid, from: from, to: to, loc: l.loc.first, locEnd: l.loc.last, err: msg}
}

// next returns the next token.
func (l *lexer) next() token {
	for {
		var t token
		var ok bool
		switch l.state {
		case stString:
			t, ok = l.lexString(), true
		case stIndString:
			t, ok = l.lexIndString(), true
		case stInPath, stInPathSlash:
			t, ok = l.lexInPath(), true
		case stPathStart:
			t, ok = l.lexPathStart(), true
		default:
			t, ok = l.lexDefault()
		}
		if ok {
			return t
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
	rSpace
	rLineComment
	rBlockComment
	rAny
)

// lexDefault scans in the INITIAL/DEFAULT start condition; ok is false when
// the match produced no token (blanks, comments, yyless).
func (l *lexer) lexDefault() (t token, ok bool) {
	s := l.src[l.at.Offset:]
	if len(s) == 0 {
		return l.eof(), true
	}
	best, rule := 1, rAny
	var kw tokKind
	try := func(n, r int) {
		if n > best || (n == best && n > 0 && r < rule) {
			best, rule = n, r
		}
	}
	c := s[0]
	if n := matchID(s); n > 0 {
		if k, isKw := keywords[string(s[:n])]; isKw {
			kw = k
			try(n, rKeyword)
		} else {
			try(n, rID)
		}
		try(matchURI(s), rURI)
	}
	if isDigit(c) {
		try(matchDigits(s), rInt)
	}
	if isDigit(c) || c == '.' {
		try(matchFloat(s), rFloat)
	}
	if isPathChar(c) || c == '/' {
		try(matchPathSegInterp(s), rPathInterp)
		try(matchPath(s), rPath)
	}
	switch c {
	case '.':
		if hasPrefix(s, "...") {
			try(3, rEllipsis)
		}
	case '~':
		if hasPrefix(s, "~/${") {
			try(4, rPathInterp)
		}
		try(matchHPath(s), rHPath)
	case '<':
		try(matchSPath(s), rSPath)
	case '$':
		if hasPrefix(s, "${") {
			try(2, rDollarCurly)
		}
	case '{':
		try(1, rLBrace)
	case '}':
		try(1, rRBrace)
	case '"':
		try(1, rQuote)
	case '\'':
		try(matchIndOpen(s), rIndOpen)
	case ' ', '\t', '\r', '\n':
		try(matchSpace(s), rSpace)
	case '#':
		try(matchLineComment(s), rLineComment)
	case '/':
		try(matchBlockComment(s), rBlockComment)
	}
	op := tEOF
	if len(s) >= 2 {
		if op = twoCharOp(s[0], s[1]); op != tEOF {
			try(2, rOp)
		}
	}
	return l.actDefault(rule, best, kw, op)
}

// actDefault runs the action of the chosen default rule.
func (l *lexer) actDefault(rule, n int, kw, op tokKind) (token, bool) {
	from, to := l.consume(n)
	text := l.src[from.Offset:to.Offset]
	switch rule {
	case rKeyword:
		return l.tok(kw, from, to), true
	case rEllipsis:
		return l.tok(tEllipsis, from, to), true
	case rOp:
		return l.tok(op, from, to), true
	case rID:
		return l.tok(tID, from, to), true
	case rInt:
		if _, err := strconv.ParseInt(string(text), 10, 64); err != nil {
			return l.lexErr(fmt.Sprintf("invalid integer '%s'", text), from, to), true
		}
		return l.tok(tInt, from, to), true
	case rFloat:
		if !validFloat(string(text)) {
			return l.lexErr(fmt.Sprintf("invalid float '%s'", text), from, to), true
		}
		return l.tok(tFloat, from, to), true
	case rDollarCurly, rLBrace:
		l.push(stDefault)
		if rule == rLBrace {
			return l.tok(tLBrace, from, to), true
		}
		return l.tok(tDollarCurly, from, to), true
	case rRBrace:
		// INITIAL only marks the bottom of the stack: never pop it.
		if l.state != stInitial {
			l.pop()
		}
		return l.tok(tRBrace, from, to), true
	case rQuote:
		l.push(stString)
		return l.tok(tQuote, from, to), true
	case rIndOpen:
		l.push(stIndString)
		return l.tok(tIndOpen, from, to), true
	case rPathInterp:
		l.push(stPathStart)
		l.unconsume(from)
		return token{}, false
	case rPath, rHPath:
		l.pushAfterPath(text)
		if rule == rHPath {
			return l.tok(tHPath, from, to), true
		}
		return l.tok(tPath, from, to), true
	case rSPath:
		return l.tok(tSPath, from, to), true
	case rURI:
		return l.tok(tURI, from, to), true
	case rSpace, rLineComment, rBlockComment:
		return token{}, false
	}
	k := charTokens[text[0]]
	if k == tEOF && text[0] != 0 {
		k = tInvalid
	}
	return l.tok(k, from, to), true
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
