package nixsyntax

import (
	"fmt"
	"strconv"
)

// MaxDepth bounds how deeply expressions may nest. Nix itself has no such
// limit short of its parser stack; we stop earlier so hostile input cannot
// exhaust the stack of a pre-commit hook.
const MaxDepth = 1000

// Parse parses a Nix file and makes the static checks of
// `nix-instantiate --parse` (Nix 2.8). On rejection the error is a
// *SyntaxError located where Nix reports it.
func Parse(filename string, src []byte) (f *File, err error) {
	p := &parser{lx: newLexer(src), src: src, str: string(src), file: filename}
	p.failFn = p.fail
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			f, err = nil, b.err
		}
	}()
	root := p.parseExpr()
	if t := *p.peek(0); t.kind != tEOF {
		p.unexpected(t, "end of file")
	}
	checkScopes(root, p.src, p.failFn)
	return &File{Name: filename, Root: root}, nil
}

// bailout carries a SyntaxError up the recursive descent.
type bailout struct{ err *SyntaxError }

// parser is a recursive-descent parser for the grammar of Nix 2.8's
// parser.y. Where that grammar needs bison's GLR search (a leading '{' may
// open a set pattern or an attribute set) it looks ahead up to three tokens.
type parser struct {
	lx    *lexer
	src   []byte
	str   string // src as a string, for zero-copy names
	file  string
	ahead [4]token // a ring of tokens read ahead
	head  int
	n     int
	depth int
	slabs slabs
	// failFn is p.fail, made once: the static checks take it as a callback.
	failFn func(Pos, string)
}

// peek returns the i-th token ahead (0: the current one). A token the lexer
// rejected is reported as soon as the parser looks at it, which is when
// Nix's lexer would throw.
func (p *parser) peek(i int) *token {
	for p.n <= i {
		p.lx.next(&p.ahead[(p.head+p.n)%len(p.ahead)])
		p.n++
	}
	t := &p.ahead[(p.head+i)%len(p.ahead)]
	if t.err != errNone {
		p.rejectToken(t)
	}
	return t
}

// rejectToken reports a token the lexer rejected.
func (p *parser) rejectToken(t *token) {
	switch t.err {
	case errInt:
		p.fail(t.from, fmt.Sprintf("invalid integer '%s'", p.text(*t)))
	case errFloat:
		p.fail(t.from, fmt.Sprintf("invalid float '%s'", p.text(*t)))
	default:
		p.fail(t.from, "path has a trailing slash")
	}
}

// next consumes and returns the current token.
func (p *parser) next() token {
	t := *p.peek(0)
	p.head = (p.head + 1) % len(p.ahead)
	p.n--
	return t
}

// expect consumes a token of kind k or fails.
func (p *parser) expect(k tokKind) token {
	t := *p.peek(0)
	if t.kind != k {
		p.unexpected(t, k.String())
	}
	return p.next()
}

func (p *parser) fail(at Pos, msg string) {
	panic(bailout{&SyntaxError{Filename: p.file, Pos: at, Msg: msg}})
}

// unexpected reports token t, saying what would have been valid.
func (p *parser) unexpected(t token, expecting string) {
	what := t.kind.String()
	switch {
	case t.kind == tEOF && p.lx.state == stString:
		p.fail(t.from, "unterminated string")
	case t.kind == tEOF && p.lx.state == stIndString:
		p.fail(t.from, "unterminated indented string ('' ... '')")
	case t.kind == tInvalid:
		what = fmt.Sprintf("character %q", p.src[t.from.Offset])
	}
	msg := "unexpected " + what
	if expecting != "" {
		msg += ", expecting " + expecting
	}
	p.fail(t.from, msg)
}

// enter counts one level of nesting and fails past MaxDepth.
func (p *parser) enter() {
	p.depth++
	if p.depth > MaxDepth {
		p.fail(p.peek(0).from, fmt.Sprintf("expression nested too deeply (more than %d levels)", MaxDepth))
	}
}

func (p *parser) leave() { p.depth-- }

// text is the source text of t; it shares the memory of the one string
// copy of the file.
func (p *parser) text(t token) string { return p.str[t.from.Offset:t.to.Offset] }

// parseExpr is expr_function: lambdas, assert, with, let ... in, or an
// expr_if.
func (p *parser) parseExpr() Node {
	p.enter()
	defer p.leave()
	t := *p.peek(0)
	switch t.kind {
	case tID:
		switch p.peek(1).kind {
		case tColon:
			arg := p.name(p.next())
			p.next()
			body := p.parseExpr()
			return &Lambda{Span: Span{t.from, body.End()}, Arg: arg, Body: body}
		case tAt:
			arg := p.name(p.next())
			p.next()
			return p.parseFormalsLambda(t, arg)
		}
	case tLBrace:
		if p.opensFormals() {
			return p.parseFormalsLambda(t, nil)
		}
	case tAssert:
		p.next()
		cond := p.parseExpr()
		p.expect(tSemi)
		body := p.parseExpr()
		return &Assert{Span{t.from, body.End()}, cond, body}
	case tWith:
		p.next()
		env := p.parseExpr()
		p.expect(tSemi)
		body := p.parseExpr()
		return &With{Span{t.from, body.End()}, env, body}
	case tLet:
		if p.peek(1).kind != tLBrace {
			return p.parseLetIn()
		}
	}
	return p.parseIf()
}

func (p *parser) name(t token) *Name {
	n := p.slabs.names.new()
	*n = Name{Span{t.from, t.to}, p.text(t)}
	return n
}

// opensFormals decides, at a '{' in expr_function position, whether it
// starts a set pattern: `{ }` followed by ':' or '@', `{ ...`, or
// `{ id` followed by ',', '?' or '}'. Everything else is an attribute set.
func (p *parser) opensFormals() bool {
	switch p.peek(1).kind {
	case tEllipsis:
		return true
	case tRBrace:
		k := p.peek(2).kind
		return k == tColon || k == tAt
	case tID:
		k := p.peek(2).kind
		return k == tComma || k == tQuestion || k == tRBrace
	}
	return false
}

// parseFormalsLambda parses `{ formals } : body`, `{ formals } @ x : body`
// or, when arg is set, the rest of `x @ { formals } : body`.
func (p *parser) parseFormalsLambda(start token, arg *Name) Node {
	open := p.expect(tLBrace)
	fs := &Formals{Span: Span{From: open.from}}
	for done := false; !done; {
		t := *p.peek(0)
		switch t.kind {
		case tEllipsis:
			p.next()
			fs.Ellipsis = true
			done = true
		case tID:
			fs.List = append(fs.List, p.parseFormal())
			if p.peek(0).kind != tComma {
				done = true
				break
			}
			p.next()
		case tRBrace:
			done = true
		default:
			p.unexpected(t, "identifier, '...' or '}'")
		}
	}
	fs.To = p.expect(tRBrace).to
	if arg == nil && p.peek(0).kind == tAt {
		p.next()
		arg = p.name(p.expect(tID))
	}
	p.expect(tColon)
	body := p.parseExpr()
	checkFormals(fs, arg, start.from, p.src, p.failFn)
	return &Lambda{Span: Span{start.from, body.End()}, Arg: arg, Formals: fs, Body: body}
}

func (p *parser) parseFormal() *Formal {
	n := p.name(p.next())
	f := &Formal{Span: n.Span, Name: n}
	if p.peek(0).kind == tQuestion {
		p.next()
		f.Default = p.parseExpr()
		f.To = f.Default.End()
	}
	return f
}

// parseLetIn parses `let binds in body`.
func (p *parser) parseLetIn() Node {
	let := p.next()
	m := newAttrModel(false)
	binds := p.parseBinds(m, let.to)
	p.expect(tIn)
	body := p.parseExpr()
	if len(m.dynamic) > 0 {
		p.fail(let.from, "dynamic attributes not allowed in let")
	}
	return &LetIn{Span: Span{let.from, body.End()}, Binds: binds, Body: body, attrs: m}
}

// parseIf is expr_if.
func (p *parser) parseIf() Node {
	t := *p.peek(0)
	if t.kind != tIf {
		return p.parseOp(0)
	}
	p.next()
	cond := p.parseExpr()
	p.expect(tThen)
	then := p.parseExpr()
	p.expect(tElse)
	els := p.parseExpr()
	return &If{Span{t.from, els.End()}, cond, then, els}
}

func (p *parser) parseInt(t token) Node {
	v, _ := strconv.ParseInt(p.text(t), 10, 64) // the lexer checked the range
	return &Int{Span{t.from, t.to}, v}
}

func (p *parser) parseFloat(t token) Node {
	v, _ := strconv.ParseFloat(p.text(t), 64) // the lexer checked the range
	return &Float{Span{t.from, t.to}, v}
}
