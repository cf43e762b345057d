package nixsyntax

import (
	"fmt"
	"strings"
)

// attrModel is the attribute set Nix builds while parsing (ExprAttrs in
// nixexpr.hh): a.b = 1 creates nested sets, and a second definition of a
// set literal merges into the first (parser.y addAttr). The static checks
// work on this model, not on the bindings as written, because that is
// what Nix checks: e.g. the dynamic attributes of a merged literal are
// dropped and never checked.
type attrModel struct {
	rec     bool
	defs    []namedDef     // in definition order
	index   map[string]int // into defs, once there are many
	dynamic []dynamicAttr
}

type namedDef struct {
	name string
	def  *attrDef
}

// indexFrom is the size from which a model indexes its names: most sets
// are small, and a linear search beats a map there.
const indexFrom = 16

// attrDef is one static attribute. Exactly one of value and nested is
// set: nested for the sets a.b = ... creates.
type attrDef struct {
	value     Node
	nested    *attrModel
	inherited bool // inherit x: x resolves outside a rec set or let
	pos       Pos  // where Nix says the attribute was defined
	varPos    Pos  // for inherit x: where Nix reports x undefined
	selected  bool // value is the From of inherit (From) name: Nix selects name from it
}

// dynamicAttr is ${name} = value (or a nested set under a dynamic name).
type dynamicAttr struct {
	name   Node
	value  Node
	nested *attrModel
}

func newAttrModel(rec bool) *attrModel {
	return &attrModel{rec: rec}
}

// lookup returns the definition of name, or nil.
func (m *attrModel) lookup(name string) *attrDef {
	if m.index != nil {
		if i, ok := m.index[name]; ok {
			return m.defs[i].def
		}
		return nil
	}
	for i := range m.defs {
		if m.defs[i].name == name {
			return m.defs[i].def
		}
	}
	return nil
}

// define adds a new name (callers check it is new).
func (m *attrModel) define(name string, d *attrDef) {
	m.defs = append(m.defs, namedDef{name, d})
	switch {
	case m.index != nil:
		m.index[name] = len(m.defs) - 1
	case len(m.defs) >= indexFrom:
		m.index = make(map[string]int, 2*len(m.defs))
		for i, nd := range m.defs {
			m.index[nd.name] = i
		}
	}
}

// setModel is the model of the attribute set d stands for, if d is one:
// a set made by a.b = ..., or a set literal (parentheses are no node in
// Nix).
func (d *attrDef) setModel() *attrModel {
	// inherit x is a variable and inherit (e) x a selection, even when e
	// is a set literal.
	if d.inherited || d.selected {
		return nil
	}
	if d.nested != nil {
		return d.nested
	}
	return literalSet(d.value)
}

// literalSet is the model of e if e is a { } or rec { } literal.
func literalSet(e Node) *attrModel {
	for {
		par, ok := e.(*Paren)
		if !ok {
			break
		}
		e = par.X
	}
	if s, ok := e.(*AttrSet); ok {
		return s.attrs
	}
	return nil
}

// attrKey is one element of an attribute path as Nix sees it: a static
// name, or an expression computing it.
type attrKey struct {
	static bool
	name   string
	expr   Node
}

// keyOf classifies an attribute path element. A string without
// interpolation, and ${e} where e is such a string, are static names.
func keyOf(n Node) attrKey {
	switch n := n.(type) {
	case *Name:
		return attrKey{static: true, name: n.Name}
	case *Interpolation:
		if s, ok := staticString(n.X); ok {
			return attrKey{static: true, name: s}
		}
		return attrKey{expr: n.X}
	}
	if s, ok := staticString(n); ok {
		return attrKey{static: true, name: s}
	}
	return attrKey{expr: n}
}

// staticString is the value of e if Nix parses it to a plain string
// (ExprString): "..." without interpolation, or ”...” that is a single
// literal piece or empty.
func staticString(e Node) (string, bool) {
	for {
		par, ok := e.(*Paren)
		if !ok {
			break
		}
		e = par.X
	}
	switch s := e.(type) {
	case *String:
		if len(s.Parts) == 0 {
			return "", true
		}
		if t, ok := s.Parts[0].(*Text); ok && len(s.Parts) == 1 {
			return t.Value, true
		}
	case *IndentedString:
		if len(s.Parts) == 0 {
			return "", true
		}
		if t, ok := s.Parts[0].(*Text); ok && len(s.Parts) == 1 {
			return stripSingle(t), true
		}
	}
	return "", false
}

// stripSingle is parser.y's stripIndentation for a string of one piece.
func stripSingle(t *Text) string {
	s := t.Value
	if isEscapePiece(t) {
		// An escape (''$, ''', ''\x) has no indentation to strip.
		return lastLineTrim(s)
	}
	minIndent, cur, atStart := 1000000, 0, true
	for i := 0; i < len(s); i++ {
		switch {
		case atStart && s[i] == ' ':
			cur++
		case atStart && s[i] == '\n':
			cur = 0
		case atStart:
			atStart = false
			minIndent = min(minIndent, cur)
		case s[i] == '\n':
			atStart, cur = true, 0
		}
	}
	var b strings.Builder
	dropped, atStart := 0, true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case atStart && c == ' ':
			if dropped >= minIndent {
				b.WriteByte(c)
			}
			dropped++
		case atStart && c == '\n':
			dropped = 0
			b.WriteByte(c)
		case atStart:
			atStart, dropped = false, 0
			b.WriteByte(c)
		default:
			b.WriteByte(c)
			atStart = c == '\n'
		}
	}
	return lastLineTrim(b.String())
}

// isEscapePiece reports whether t came from an escape token rather than
// literal text.
func isEscapePiece(t *Text) bool {
	n := t.To.Offset - t.From.Offset
	return n != len(t.Value) || t.Value == "$" || t.Value == "'"
}

// lastLineTrim drops a last line made only of spaces.
func lastLineTrim(s string) string {
	p := strings.LastIndexByte(s, '\n')
	if p >= 0 && strings.Trim(s[p+1:], " ") == "" {
		return s[:p+1]
	}
	return s
}

// addAttr is parser.y's addAttr: it defines path = value in m, creating
// or entering nested sets, merging set literals, and failing on a
// duplicate.
func addAttr(m *attrModel, path []Node, value Node, pos Pos, fail func(Pos, string)) {
	for i, n := range path {
		k := keyOf(n)
		last := i == len(path)-1
		if !k.static {
			dyn := dynamicAttr{name: k.expr, value: value}
			if !last {
				dyn.value, dyn.nested = nil, newAttrModel(false)
			}
			m.dynamic = append(m.dynamic, dyn)
			m = dyn.nested
			continue
		}
		d := m.lookup(k.name)
		exists := d != nil
		switch {
		case !exists && last:
			m.define(k.name, &attrDef{value: value, pos: pos})
		case !exists:
			d = &attrDef{nested: newAttrModel(false), pos: pos}
			m.define(k.name, d)
			m = d.nested
		case !last:
			if m = d.setModel(); m == nil {
				fail(pos, dupMsg(showPath(path), d.pos))
			}
		default:
			mergeSet(d, value, path, pos, fail)
		}
	}
}

// mergeSet merges a second definition of an attribute into the first when
// both are sets, and fails otherwise.
func mergeSet(d *attrDef, value Node, path []Node, pos Pos, fail func(Pos, string)) {
	into, from := d.setModel(), literalSet(value)
	if into == nil || from == nil {
		fail(pos, dupMsg(showPath(path), d.pos))
	}
	for _, nd := range from.defs {
		if prev := into.lookup(nd.name); prev != nil {
			fail(prev.pos, dupMsg(nd.name, nd.def.pos))
		}
		into.define(nd.name, nd.def)
	}
}

// inheritAttr defines name by `inherit`; value is nil for `inherit name`
// and the From expression for `inherit (from) name`.
func inheritAttr(m *attrModel, name string, from Node, pos, varPos Pos, fail func(Pos, string)) {
	if prev := m.lookup(name); prev != nil {
		fail(pos, dupMsg(name, prev.pos))
	}
	if from == nil {
		m.define(name, &attrDef{inherited: true, pos: pos, varPos: varPos})
		return
	}
	m.define(name, &attrDef{value: from, pos: pos, selected: true})
}

func dupMsg(name string, prev Pos) string {
	return fmt.Sprintf("attribute '%s' already defined at %s", name, prev)
}

// showPath renders an attribute path for messages, as Nix's showAttrPath.
func showPath(path []Node) string {
	parts := make([]string, len(path))
	for i, n := range path {
		if k := keyOf(n); k.static {
			parts[i] = k.name
		} else {
			parts[i] = `"${...}"`
		}
	}
	return strings.Join(parts, ".")
}
