package nixsyntax

// parseBinds parses the bindings of a set or let until a token that cannot
// start one, defining them in m. start is where Nix's (empty) binds rule
// begins: just after the opening token; Nix reports `inherit x` with x
// undefined there.
func (p *parser) parseBinds(m *attrModel, start Pos) []Node {
	var binds []Node
	for {
		t := *p.peek(0)
		switch t.kind {
		case tInherit:
			binds = append(binds, p.parseInherit(m, start))
		case tID, tOrKw, tQuote, tDollarCurly:
			binds = append(binds, p.parseBind(m))
		default:
			return binds
		}
	}
}

// parseBind parses attrpath = expr ;
func (p *parser) parseBind(m *attrModel) Node {
	at := p.peek(0).from
	path := p.parseAttrPath()
	p.expect(tAssign)
	value := p.parseExpr()
	end := p.expect(tSemi).to
	addAttr(m, path, value, at, p.failFn)
	b := p.slabs.binds.new()
	*b = Bind{Span{path[0].Pos(), end}, path, value}
	return b
}

// parseInherit parses inherit names ; and inherit (expr) names ;
func (p *parser) parseInherit(m *attrModel, start Pos) Node {
	kw := p.next()
	in := &Inherit{}
	namesAt := kw.to // Nix's empty `attrs` rule starts after the keyword
	if p.peek(0).kind == tLParen {
		p.next()
		in.From = p.parseExpr()
		namesAt = p.expect(tRParen).to
	}
	for {
		t := *p.peek(0)
		switch t.kind {
		case tID, tOrKw:
			in.Names = append(in.Names, p.name(p.next()))
			continue
		case tQuote, tDollarCurly:
			n := p.parseAttr()
			if k := keyOf(n); !k.static {
				p.fail(t.from, "dynamic attributes not allowed in inherit")
			}
			in.Names = append(in.Names, n)
			continue
		}
		break
	}
	in.Span = Span{kw.from, p.expect(tSemi).to}
	for _, n := range in.Names {
		inheritAttr(m, keyOf(n).name, in.From, namesAt, start, p.failFn)
	}
	return in
}
