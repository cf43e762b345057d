package nixsyntax

// Binding powers from parser.y's precedence declarations (higher binds
// tighter).
const (
	precImpl    = 1 // right
	precOr      = 2 // left
	precAnd     = 3 // left
	precEq      = 4 // nonassoc
	precCompare = 5 // nonassoc
	precUpdate  = 6 // right
	precNot     = 7 // prefix !
	precAdd     = 8 // left
	precMul     = 9 // left
	precConcat  = 10
	precHasAttr = 11
	precNegate  = 12 // prefix -
)

type binop struct {
	op    Op
	prec  int
	right bool // right associative
	nonas bool // non associative
}

var binops = [...]binop{
	tImpl: {OpImpl, precImpl, true, false}, tOr: {OpOr, precOr, false, false},
	tAnd: {OpAnd, precAnd, false, false}, tEq: {OpEq, precEq, false, true},
	tNeq: {OpNotEq, precEq, false, true}, tLess: {OpLess, precCompare, false, true},
	tGreater: {OpGreater, precCompare, false, true}, tLeq: {OpLessEq, precCompare, false, true},
	tGeq: {OpGreaterEq, precCompare, false, true}, tUpdate: {OpUpdate, precUpdate, true, false},
	tPlus: {OpAdd, precAdd, false, false}, tMinus: {OpSub, precAdd, false, false},
	tStar: {OpMul, precMul, false, false}, tSlash: {OpDiv, precMul, false, false},
	tConcat: {OpConcat, precConcat, true, false}, tQuestion: {prec: precHasAttr},
}

func binopOf(k tokKind) binop {
	if int(k) < len(binops) {
		return binops[k]
	}
	return binop{}
}

// parseOp is expr_op by precedence climbing: it absorbs binary operators
// binding at least as tightly as min.
func (p *parser) parseOp(min int) Node {
	p.enter()
	depth := p.depth
	left := p.parseUnary()
	for {
		t := *p.peek(0)
		b := binopOf(t.kind)
		if b.prec == 0 || b.prec < min {
			p.depth = depth - 1
			return left
		}
		// A left fold nests the tree one level deeper without recursion;
		// a right operand recurses, which counts by itself.
		if !b.right {
			p.enter()
		}
		p.next()
		if t.kind == tQuestion {
			path := p.parseAttrPath()
			left = &HasAttr{Span{left.Pos(), path[len(path)-1].End()}, left, path}
			continue
		}
		next := b.prec + 1
		if b.right {
			next = b.prec
		}
		right := p.parseOp(next)
		left = &Binary{Span{left.Pos(), right.End()}, b.op, left, right}
		if n := *p.peek(0); b.nonas && binopOf(n.kind).prec == b.prec {
			p.unexpected(n, "")
		}
	}
}

// parseUnary parses the prefix operators ! and -, then an application.
func (p *parser) parseUnary() Node {
	t := *p.peek(0)
	switch t.kind {
	case tNot:
		p.next()
		x := p.parseOp(precNot + 1)
		return &Unary{Span{t.from, x.End()}, OpNot, x}
	case tMinus:
		p.next()
		x := p.parseOp(precNegate + 1)
		return &Unary{Span{t.from, x.End()}, OpNeg, x}
	}
	return p.parseApp()
}

// startsSimple reports whether k can start an expr_simple (and so an
// argument of an application or an element of a list).
func startsSimple(k tokKind) bool {
	switch k {
	case tID, tInt, tFloat, tQuote, tIndOpen, tPath, tHPath, tSPath, tURI,
		tLParen, tLet, tRec, tLBrace, tLBrack:
		return true
	}
	return false
}

// parseApp is expr_app: a function followed by its arguments.
func (p *parser) parseApp() Node {
	f := p.parseSelect()
	if !startsSimple(p.peek(0).kind) {
		return f
	}
	app := p.slabs.apps.new()
	app.Func = f
	for startsSimple(p.peek(0).kind) {
		app.Args = append(app.Args, p.parseSelect())
	}
	app.Span = Span{f.Pos(), app.Args[len(app.Args)-1].End()}
	return app
}

// parseSelect is expr_select: x.a.b, x.a.b or default, and the legacy
// `f or` (an application of f to a variable named or).
func (p *parser) parseSelect() Node {
	x := p.parseSimple()
	switch t := *p.peek(0); t.kind {
	case tDot:
		p.next()
		path := p.parseAttrPath()
		sel := p.slabs.sels.new()
		*sel = Select{Span: Span{x.Pos(), path[len(path)-1].End()}, X: x, Path: path}
		if p.peek(0).kind == tOrKw {
			p.next()
			p.enter()
			sel.Default = p.parseSelect()
			p.leave()
			sel.To = sel.Default.End()
		}
		return sel
	case tOrKw:
		p.next()
		or := &Var{Span{t.from, t.to}, "or"}
		return &Apply{Span{x.Pos(), t.to}, x, []Node{or}}
	}
	return x
}

// parseSimple is expr_simple.
func (p *parser) parseSimple() Node {
	t := *p.peek(0)
	switch t.kind {
	case tID:
		p.next()
		v := p.slabs.vars.new()
		*v = Var{Span{t.from, t.to}, p.text(t)}
		return v
	case tInt:
		return p.parseInt(p.next())
	case tFloat:
		return p.parseFloat(p.next())
	case tQuote:
		return p.parseString()
	case tIndOpen:
		return p.parseIndString()
	case tPath, tHPath:
		return p.parsePath()
	case tSPath:
		p.next()
		return &Path{Span: Span{t.from, t.to}, Kind: PathSearch, Text: p.text(t)}
	case tURI:
		p.next()
		return &URI{Span{t.from, t.to}, p.text(t)}
	case tLParen:
		p.next()
		x := p.parseExpr()
		return &Paren{Span{t.from, p.expect(tRParen).to}, x}
	case tLet:
		p.next()
		open := p.expect(tLBrace)
		m := newAttrModel(true)
		binds := p.parseBinds(m, open.to)
		return &Let{Span{t.from, p.expect(tRBrace).to}, binds, m}
	case tRec, tLBrace:
		return p.parseAttrSet()
	case tLBrack:
		p.next()
		p.enter()
		l := &List{}
		for startsSimple(p.peek(0).kind) {
			l.Items = append(l.Items, p.parseSelect())
		}
		l.Span = Span{t.from, p.expect(tRBrack).to}
		p.leave()
		return l
	}
	p.unexpected(t, "")
	return nil
}

// parseAttrSet parses { binds } or rec { binds }.
func (p *parser) parseAttrSet() Node {
	first := p.next()
	rec := first.kind == tRec
	open := first
	if rec {
		open = p.expect(tLBrace)
	}
	m := newAttrModel(rec)
	binds := p.parseBinds(m, open.to)
	return &AttrSet{Span: Span{first.from, p.expect(tRBrace).to}, Rec: rec, Binds: binds, attrs: m}
}

// parseAttrPath is attrpath: attr ('.' attr)*.
func (p *parser) parseAttrPath() []Node {
	path := []Node{p.parseAttr()}
	for p.peek(0).kind == tDot {
		p.next()
		path = append(path, p.parseAttr())
	}
	return path
}

// parseAttr is one attribute name: an identifier, `or`, a string or ${e}.
func (p *parser) parseAttr() Node {
	t := *p.peek(0)
	switch t.kind {
	case tID, tOrKw:
		return p.name(p.next())
	case tQuote:
		return p.parseString()
	case tDollarCurly:
		return p.parseInterpolation()
	}
	p.unexpected(t, "attribute name")
	return nil
}

// parseInterpolation parses ${ expr }.
func (p *parser) parseInterpolation() *Interpolation {
	open := p.next()
	x := p.parseExpr()
	in := p.slabs.interp.new()
	*in = Interpolation{Span{open.from, p.expect(tRBrace).to}, x}
	return in
}
