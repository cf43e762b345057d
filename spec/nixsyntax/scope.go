package nixsyntax

import (
	"fmt"
	"sort"
)

// baseNames is the static base environment of Nix 2.8 (the names a file
// may use unbound): found by parsing each candidate name with
// nix-instantiate 2.8; TestBaseNames checks it against the real Nix.
var baseNames = func() map[string]bool {
	m := make(map[string]bool, len(baseNameList))
	for _, n := range baseNameList {
		m[n] = true
	}
	return m
}()

var baseNameList = []string{
	"__add", "__addErrorContext", "__all", "__any", "__appendContext", "__attrNames",
	"__attrValues", "__bitAnd", "__bitOr", "__bitXor", "__catAttrs", "__ceil",
	"__compareVersions", "__concatLists", "__concatMap", "__concatStringsSep",
	"__currentSystem", "__currentTime", "__deepSeq", "__div", "__elem", "__elemAt",
	"__fetchurl", "__filter", "__filterSource", "__findFile", "__floor", "__foldl'",
	"__fromJSON", "__functionArgs", "__genList", "__genericClosure", "__getAttr",
	"__getContext", "__getEnv", "__groupBy", "__hasAttr", "__hasContext", "__hashFile",
	"__hashString", "__head", "__intersectAttrs", "__isAttrs", "__isBool", "__isFloat",
	"__isFunction", "__isInt", "__isList", "__isPath", "__isString", "__langVersion",
	"__length", "__lessThan", "__listToAttrs", "__mapAttrs", "__match", "__mul",
	"__nixPath", "__nixVersion", "__parseDrvName", "__partition", "__path",
	"__pathExists", "__readDir", "__readFile", "__replaceStrings", "__seq", "__sort",
	"__split", "__splitVersion", "__storeDir", "__storePath", "__stringLength", "__sub",
	"__substring", "__tail", "__toFile", "__toJSON", "__toPath", "__toXML", "__trace",
	"__tryEval", "__typeOf", "__unsafeDiscardOutputDependency",
	"__unsafeDiscardStringContext", "__unsafeGetAttrPos", "__zipAttrsWith", "abort",
	"baseNameOf", "builtins", "derivation", "derivationStrict", "dirOf", "false",
	"fetchGit", "fetchMercurial", "fetchTarball", "fetchTree", "fromTOML", "import",
	"isNull", "map", "null", "placeholder", "removeAttrs", "scopedImport", "throw",
	"toString", "true",
}

// scope is one level of Nix's StaticEnv: the names of a let, rec set or
// lambda, or a `with` (which makes every name resolvable).
type scope struct {
	attrs *attrModel
	names []string
	index map[string]bool // names, for big set patterns
	with  bool
	up    *scope
}

func (s *scope) has(name string) bool {
	if s.attrs != nil {
		return s.attrs.lookup(name) != nil
	}
	if s.index != nil {
		return s.index[name]
	}
	for _, n := range s.names {
		if n == name {
			return true
		}
	}
	return false
}

// resolves reports whether name is bound statically or by an enclosing
// with (ExprVar::bindVars).
func (s *scope) resolves(name string) bool {
	for ; s != nil; s = s.up {
		if s.with || s.has(name) {
			return true
		}
	}
	return baseNames[name]
}

// binder walks the tree as Nix's bindVars does and reports the first
// variable that resolves nowhere.
// binder walks the tree as Nix's bindVars does. Nix visits the attributes
// of a set and the formals of a lambda in the order their names were first
// interned (its Symbols compare by address); rank gives that order when
// set, which only matters for which of several errors comes first.
type binder struct {
	fail func(Pos, string)
	rank map[string]int
}

// errUnbound stops the quick first pass at the first undefined variable.
type errUnbound struct{}

// checkScopes reports the first undefined variable as Nix would. A quick
// pass in source order accepts almost every file; only when it finds an
// error does a second pass follow Nix's order to pick the same error.
func checkScopes(root Node, src []byte, fail func(Pos, string)) {
	if allBound(root) {
		return
	}
	b := binder{fail: fail, rank: symbolRanks(src)}
	b.bind(root, nil)
}

func allBound(root Node) (ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, is := r.(errUnbound); !is {
				panic(r)
			}
			ok = false
		}
	}()
	b := binder{fail: func(Pos, string) { panic(errUnbound{}) }}
	b.bind(root, nil)
	return true
}

// symbolRanks approximates the order in which Nix interns names: the base
// environment first, then identifiers in source order.
func symbolRanks(src []byte) map[string]int {
	ranks := make(map[string]int, len(baseNameList)+64)
	for _, n := range baseNameList {
		ranks[n] = -1
	}
	l := newLexer(src)
	var t token
	for l.next(&t); t.kind != tEOF && t.err == errNone; l.next(&t) {
		if t.kind != tID && t.kind != tOrKw {
			continue
		}
		name := string(src[t.from.Offset:t.to.Offset])
		if _, seen := ranks[name]; !seen {
			ranks[name] = t.from.Offset
		}
	}
	return ranks
}

// ordered returns defs in Nix's order when ranks are known.
func (b binder) ordered(defs []namedDef) []namedDef {
	if b.rank == nil {
		return defs
	}
	sorted := append([]namedDef(nil), defs...)
	sort.SliceStable(sorted, func(i, j int) bool { return b.rank[sorted[i].name] < b.rank[sorted[j].name] })
	return sorted
}

func (b binder) lookup(name string, at Pos, s *scope) {
	if !s.resolves(name) {
		b.fail(at, fmt.Sprintf("undefined variable '%s'", name))
	}
}

func (b binder) bind(n Node, s *scope) {
	switch n := n.(type) {
	case *Var:
		// __curPos in expression position is Nix's ExprPos, not a variable.
		if n.Name != "__curPos" {
			b.lookup(n.Name, n.From, s)
		}
	case *Apply:
		b.bindApply(n, s)
	case *Select:
		b.bind(n.X, s)
		if n.Default != nil {
			b.bind(n.Default, s)
		}
		b.bindPath(n.Path, s)
	case *HasAttr:
		b.bind(n.X, s)
		b.bindPath(n.Path, s)
	case *Lambda:
		b.bindLambda(n, s)
	case *LetIn:
		inner := &scope{attrs: n.attrs, up: s}
		b.bindDefs(n.attrs, s, inner)
		b.bind(n.Body, inner)
	case *Let:
		b.bindModel(n.attrs, s)
	case *AttrSet:
		b.bindModel(n.attrs, s)
	case *Binary:
		// a <= b and a > b are calls of __lessThan with b first.
		if n.Op == OpLessEq || n.Op == OpGreater {
			b.bind(n.Y, s)
			b.bind(n.X, s)
			return
		}
		b.bind(n.X, s)
		b.bind(n.Y, s)
	case *With:
		b.bind(n.Env, s)
		b.bind(n.Body, &scope{with: true, up: s})
	default:
		Children(n, func(c Node) { b.bind(c, s) })
	}
}

// bindApply binds a call; `f or` calls f with a variable named or, which
// Nix locates at f.
func (b binder) bindApply(n *Apply, s *scope) {
	b.bind(n.Func, s)
	for _, a := range n.Args {
		if v, ok := a.(*Var); ok && v.Name == "or" {
			b.lookup("or", n.From, s)
			continue
		}
		b.bind(a, s)
	}
}

// bindPath binds the computed names of an attribute path.
func (b binder) bindPath(path []Node, s *scope) {
	for _, n := range path {
		if k := keyOf(n); !k.static {
			b.bind(k.expr, s)
		}
	}
}

func (b binder) bindLambda(n *Lambda, s *scope) {
	inner := &scope{up: s}
	if n.Arg != nil {
		inner.names = append(inner.names, n.Arg.Name)
	}
	if n.Formals != nil {
		for _, f := range n.Formals.List {
			inner.names = append(inner.names, f.Name.Name)
		}
		if len(inner.names) > indexFrom {
			inner.index = make(map[string]bool, len(inner.names))
			for _, name := range inner.names {
				inner.index[name] = true
			}
		}
		for _, f := range b.orderedFormals(n.Formals.List) {
			if f.Default != nil {
				b.bind(f.Default, inner)
			}
		}
	}
	b.bind(n.Body, inner)
}

// bindModel is ExprAttrs::bindVars.
func (b binder) bindModel(m *attrModel, s *scope) {
	inner := s
	if m.rec {
		inner = &scope{attrs: m, up: s}
	}
	b.bindDefs(m, s, inner)
	for _, d := range m.dynamic {
		b.bind(d.name, inner)
		if d.nested != nil {
			b.bindModel(d.nested, inner)
		} else {
			b.bind(d.value, inner)
		}
	}
}

// bindDefs binds the static attributes of m: inherited ones in outer, the
// others in inner.
func (b binder) bindDefs(m *attrModel, outer, inner *scope) {
	for _, nd := range b.ordered(m.defs) {
		d := nd.def
		switch {
		case d.inherited:
			b.lookup(nd.name, d.varPos, outer)
		case d.nested != nil:
			b.bindModel(d.nested, inner)
		default:
			b.bind(d.value, inner)
		}
	}
}

// orderedFormals returns the formals in Nix's order (by name, see rank)
// when ranks are known.
func (b binder) orderedFormals(fs []*Formal) []*Formal {
	if b.rank == nil {
		return fs
	}
	sorted := append([]*Formal(nil), fs...)
	sort.SliceStable(sorted, func(i, j int) bool { return b.rank[sorted[i].Name.Name] < b.rank[sorted[j].Name.Name] })
	return sorted
}

// checkFormals is parser.y's toFormals: no name twice in a set pattern,
// and the @ name not among them. lambdaAt is where Nix reports the latter.
// Of several duplicates Nix reports the second occurrence of the name it
// interned first.
func checkFormals(fs *Formals, arg *Name, lambdaAt Pos, src []byte, fail func(Pos, string)) {
	var dups []*Formal // second and later occurrences
	seen := make(map[string]bool, len(fs.List))
	for _, f := range fs.List {
		if seen[f.Name.Name] {
			dups = append(dups, f)
		}
		seen[f.Name.Name] = true
	}
	if len(dups) > 0 {
		first := dups[0]
		if len(dups) > 1 {
			rank := symbolRanks(src)
			for _, d := range dups[1:] {
				if rank[d.Name.Name] < rank[first.Name.Name] {
					first = d
				}
			}
		}
		fail(first.From, fmt.Sprintf("duplicate formal function argument '%s'", first.Name.Name))
	}
	if arg != nil && seen[arg.Name] {
		fail(lambdaAt, fmt.Sprintf("duplicate formal function argument '%s'", arg.Name))
	}
}
