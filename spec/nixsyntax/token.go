package nixsyntax

// tokKind is a token of Nix's grammar (parser.y %token list, plus the
// single characters the lexer returns as themselves).
type tokKind uint8

const (
	tEOF     tokKind = iota
	tInvalid         // a byte no rule of the grammar uses
	tID
	tInt
	tFloat
	tStr    // literal text inside "..." or a path
	tIndStr // literal text inside ''...''
	tPath
	tHPath
	tSPath
	tPathEnd
	tURI
	tIf
	tThen
	tElse
	tAssert
	tWith
	tLet
	tIn
	tRec
	tInherit
	tOrKw
	tEllipsis
	tEq
	tNeq
	tLeq
	tGeq
	tAnd
	tOr
	tImpl
	tUpdate
	tConcat
	tDollarCurly
	tIndOpen
	tIndClose
	tQuote // "
	tLBrace
	tRBrace
	tLParen
	tRParen
	tLBrack
	tRBrack
	tColon
	tSemi
	tComma
	tAt
	tDot
	tAssign
	tQuestion
	tNot
	tLess
	tGreater
	tPlus
	tMinus
	tStar
	tSlash
)

// tokNames are the words error messages use for each token.
var tokNames = [...]string{
	tEOF: "end of file", tInvalid: "invalid character", tID: "identifier",
	tInt: "integer", tFloat: "float", tStr: "string text", tIndStr: "string text",
	tPath: "path", tHPath: "path", tSPath: "search path", tPathEnd: "end of path",
	tURI: "URI", tIf: "'if'", tThen: "'then'", tElse: "'else'", tAssert: "'assert'",
	tWith: "'with'", tLet: "'let'", tIn: "'in'", tRec: "'rec'", tInherit: "'inherit'",
	tOrKw: "'or'", tEllipsis: "'...'", tEq: "'=='", tNeq: "'!='", tLeq: "'<='",
	tGeq: "'>='", tAnd: "'&&'", tOr: "'||'", tImpl: "'->'", tUpdate: "'//'",
	tConcat: "'++'", tDollarCurly: "'${'", tIndOpen: "''", tIndClose: "''",
	tQuote: `'"'`, tLBrace: "'{'", tRBrace: "'}'", tLParen: "'('", tRParen: "')'",
	tLBrack: "'['", tRBrack: "']'", tColon: "':'", tSemi: "';'", tComma: "','",
	tAt: "'@'", tDot: "'.'", tAssign: "'='", tQuestion: "'?'", tNot: "'!'",
	tLess: "'<'", tGreater: "'>'", tPlus: "'+'", tMinus: "'-'", tStar: "'*'",
	tSlash: "'/'",
}

func (k tokKind) String() string { return tokNames[k] }

// charTokens maps the single bytes the grammar knows to their tokens; every
// other byte the lexer returns as itself is tInvalid (bison's "invalid
// token"), and NUL is the end of input for bison.
var charTokens = [256]tokKind{
	'{': tLBrace, '}': tRBrace, '(': tLParen, ')': tRParen, '[': tLBrack,
	']': tRBrack, ':': tColon, ';': tSemi, ',': tComma, '@': tAt, '.': tDot,
	'=': tAssign, '?': tQuestion, '!': tNot, '<': tLess, '>': tGreater,
	'+': tPlus, '-': tMinus, '*': tStar, '/': tSlash, '"': tQuote,
}

// keyword returns the token of a reserved word of lexer.l, or tEOF.
func keyword(id []byte) tokKind {
	switch string(id) {
	case "if":
		return tIf
	case "then":
		return tThen
	case "else":
		return tElse
	case "assert":
		return tAssert
	case "with":
		return tWith
	case "let":
		return tLet
	case "in":
		return tIn
	case "rec":
		return tRec
	case "inherit":
		return tInherit
	case "or":
		return tOrKw
	}
	return tEOF
}

// token is one lexed token: its kind and the text it spans. For tEOF,
// tPathEnd and rejected tokens the span is Nix's yylloc instead (where
// Nix reports an error at that token), which can lie before the token.
type token struct {
	kind     tokKind
	err      lexErr
	from, to Pos
}

// lexErr is why Nix's lexer throws at a token.
type lexErr uint8

const (
	errNone lexErr = iota
	errInt
	errFloat
	errTrailingSlash
)
