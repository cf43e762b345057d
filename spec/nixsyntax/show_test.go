package nixsyntax

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// showNix renders an expression the way `nix-instantiate --parse` prints
// it (Nix 2.8 nixexpr.cc show()), for the structural comparison with the
// real parser. It covers what the structure corpus uses: no paths and no
// let (whose printed order depends on Nix's memory addresses).
func showNix(n Node) string {
	var b strings.Builder
	show(&b, n)
	return b.String()
}

func show(b *strings.Builder, n Node) {
	switch n := n.(type) {
	case *Int:
		b.WriteString(strconv.FormatInt(n.Value, 10))
	case *Float:
		b.WriteString(strconv.FormatFloat(n.Value, 'g', 6, 64))
	case *Var:
		b.WriteString(n.Name)
	case *URI:
		showString(b, n.Text)
	case *Paren:
		show(b, n.X)
	case *String:
		showParts(b, n.Parts, n)
	case *Select:
		b.WriteString("(")
		show(b, n.X)
		b.WriteString(").")
		showAttrPath(b, n.Path)
		if n.Default != nil {
			b.WriteString(" or (")
			show(b, n.Default)
			b.WriteString(")")
		}
	case *HasAttr:
		b.WriteString("((")
		show(b, n.X)
		b.WriteString(") ? ")
		showAttrPath(b, n.Path)
		b.WriteString(")")
	case *Apply:
		showCall(b, n)
	case *List:
		b.WriteString("[ ")
		for _, x := range n.Items {
			b.WriteString("(")
			show(b, x)
			b.WriteString(") ")
		}
		b.WriteString("]")
	case *AttrSet:
		showModel(b, n.attrs)
	case *Lambda:
		showLambda(b, n)
	case *If:
		fmt.Fprintf(b, "(if %s then %s else %s)", showNix(n.Cond), showNix(n.Then), showNix(n.Else))
	case *With:
		fmt.Fprintf(b, "(with %s; %s)", showNix(n.Env), showNix(n.Body))
	case *Assert:
		fmt.Fprintf(b, "assert %s; %s", showNix(n.Cond), showNix(n.Body))
	case *Unary:
		if n.Op == OpNot {
			fmt.Fprintf(b, "(! %s)", showNix(n.X))
		} else {
			fmt.Fprintf(b, "(__sub 0 %s)", showNix(n.X))
		}
	case *Binary:
		showBinary(b, n)
	case *Path:
		if n.Kind != PathSearch {
			fmt.Fprintf(b, "<path %s>", n.Text)
			return
		}
		b.WriteString("(__findFile __nixPath ")
		showString(b, strings.Trim(n.Text, "<>"))
		b.WriteString(")")
	case *IndentedString:
		if s, ok := staticString(n); ok {
			showString(b, s)
			return
		}
		b.WriteString("<indented string>")
	default:
		fmt.Fprintf(b, "<%T>", n)
	}
}

func showString(b *strings.Builder, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\\', '$':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
}

func showParts(b *strings.Builder, parts []Node, n Node) {
	if s, ok := staticString(n); ok {
		showString(b, s)
		return
	}
	b.WriteString("(")
	for i, p := range parts {
		if i > 0 {
			b.WriteString(" + ")
		}
		if t, ok := p.(*Text); ok {
			showString(b, t.Value)
		} else {
			show(b, p.(*Interpolation).X)
		}
	}
	b.WriteString(")")
}

// showName prints an attribute name, quoted unless it is an identifier
// (or is `or`, which Nix allows as a name).
func showName(b *strings.Builder, name string) {
	kw := keyword([]byte(name))
	if name != "" && matchID([]byte(name)) == len(name) && (kw == tEOF || kw == tOrKw) {
		b.WriteString(name)
		return
	}
	showString(b, name)
}

func showAttrPath(b *strings.Builder, path []Node) {
	for i, n := range path {
		if i > 0 {
			b.WriteByte('.')
		}
		if k := keyOf(n); k.static {
			showName(b, k.name)
		} else {
			fmt.Fprintf(b, `"${%s}"`, showNix(k.expr))
		}
	}
}

// showCall prints a call; Nix appends the arguments of f x y to one call,
// also when the function is itself a call in parentheses or a desugared
// operator.
func showCall(b *strings.Builder, n *Apply) {
	head := strings.TrimSuffix(callHead(n.Func), ")")
	b.WriteString(head)
	for _, a := range n.Args {
		b.WriteString(" ")
		show(b, a)
	}
	b.WriteString(")")
}

// callHead renders f as the start of a call "(f ...": an existing call is
// extended rather than nested.
func callHead(f Node) string {
	for {
		p, ok := f.(*Paren)
		if !ok {
			break
		}
		f = p.X
	}
	s := showNix(f)
	if isCall(f) {
		return s
	}
	return "(" + s + ")"
}

func isCall(f Node) bool {
	switch f := f.(type) {
	case *Apply:
		return true
	case *Unary:
		return f.Op == OpNeg
	case *Path:
		return f.Kind == PathSearch
	case *Binary:
		switch f.Op {
		case OpSub, OpMul, OpDiv, OpLess, OpGreater:
			return true
		}
	}
	return false
}

func showBinary(b *strings.Builder, n *Binary) {
	x, y := showNix(n.X), showNix(n.Y)
	switch n.Op {
	case OpAdd:
		fmt.Fprintf(b, "(%s + %s)", x, y)
	case OpSub, OpMul, OpDiv:
		fmt.Fprintf(b, "(__%s %s %s)", map[Op]string{OpSub: "sub", OpMul: "mul", OpDiv: "div"}[n.Op], x, y)
	case OpLess:
		fmt.Fprintf(b, "(__lessThan %s %s)", x, y)
	case OpGreater:
		fmt.Fprintf(b, "(__lessThan %s %s)", y, x)
	case OpLessEq:
		fmt.Fprintf(b, "(! (__lessThan %s %s))", y, x)
	case OpGreaterEq:
		fmt.Fprintf(b, "(! (__lessThan %s %s))", x, y)
	default:
		fmt.Fprintf(b, "(%s %s %s)", x, n.Op, y)
	}
}

func showModel(b *strings.Builder, m *attrModel) {
	if m.rec {
		b.WriteString("rec ")
	}
	b.WriteString("{ ")
	defs := append([]namedDef(nil), m.defs...)
	sort.SliceStable(defs, func(i, j int) bool { return defs[i].name < defs[j].name })
	for _, nd := range defs {
		d := nd.def
		switch {
		case d.inherited:
			b.WriteString("inherit ")
			showName(b, nd.name)
			b.WriteString(" ; ")
		case d.nested != nil:
			showName(b, nd.name)
			b.WriteString(" = ")
			showModel(b, d.nested)
			b.WriteString("; ")
		case d.selected:
			showName(b, nd.name)
			fmt.Fprintf(b, " = (%s).", showNix(d.value))
			showName(b, nd.name)
			b.WriteString("; ")
		default:
			showName(b, nd.name)
			fmt.Fprintf(b, " = %s; ", showNix(d.value))
		}
	}
	for _, d := range m.dynamic {
		v := ""
		if d.nested != nil {
			var nb strings.Builder
			showModel(&nb, d.nested)
			v = nb.String()
		} else {
			v = showNix(d.value)
		}
		fmt.Fprintf(b, `"${%s}" = %s; `, showNix(d.name), v)
	}
	b.WriteString("}")
}

func showLambda(b *strings.Builder, n *Lambda) {
	b.WriteString("(")
	if n.Formals != nil {
		b.WriteString("{ ")
		for i, f := range n.Formals.List {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f.Name.Name)
			if f.Default != nil {
				b.WriteString(" ? " + showNix(f.Default))
			}
		}
		if n.Formals.Ellipsis {
			if len(n.Formals.List) > 0 {
				b.WriteString(", ")
			}
			b.WriteString("...")
		}
		b.WriteString(" }")
		if n.Arg != nil {
			b.WriteString(" @ ")
		}
	}
	if n.Arg != nil {
		b.WriteString(n.Arg.Name)
	}
	fmt.Fprintf(b, ": %s)", showNix(n.Body))
}
