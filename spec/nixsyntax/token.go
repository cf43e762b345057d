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

// keywords are the reserved words of lexer.l.
var keywords = map[string]tokKind{
	"if": tIf, "then": tThen, "else": tElse, "assert": tAssert, "with": tWith,
	"let": tLet, "in": tIn, "rec": tRec, "inherit": tInherit, "or": tOrKw,
}

// token is one lexed token. From and To span its text; loc is where Nix's
// yylloc pointed when it returned the token, which is what Nix reports for
// errors at this token (they differ only around path ends and end of file).
type token struct {
	kind     tokKind
	from, to Pos
	loc      Pos
	locEnd   Pos    // yylloc.last: where an empty rule after this token starts
	err      string // a lexer error (invalid integer, trailing slash) to report at loc
}
