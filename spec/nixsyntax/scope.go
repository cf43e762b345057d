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
	with  bool
	up    *scope
}

func (s *scope) has(name string) bool {
	if s.attrs != nil {
		_, ok := s.attrs.names[name]
		return ok
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
type binder struct{ fail func(Pos, string) }

func checkScopes(root Node, fail func(Pos, string)) {
	b := binder{fail}
	b.bind(root, nil)
}

func (b binder) lookup(name string, at Pos, s *scope) {
	if name != "__curPos" && !s.resolves(name) {
		b.fail(at, fmt.Sprintf("undefined variable '%s'", name))
	}
}

func (b binder) bind(n Node, s *scope) {
	switch n := n.(type) {
	case *Var:
		b.lookup(n.Name, n.From, s)
	case *Apply:
		b.bindApply(n, s)
	case *Select:
		b.bind(n.X, s)
		b.bindPath(n.Path, s)
		if n.Default != nil {
			b.bind(n.Default, s)
		}
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
		for _, f := range n.Formals.List {
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
	for _, name := range m.order {
		d := m.names[name]
		switch {
		case d.inherited:
			b.lookup(name, d.varPos, outer)
		case d.nested != nil:
			b.bindModel(d.nested, inner)
		default:
			b.bind(d.value, inner)
		}
	}
}

// checkFormals is parser.y's toFormals: no name twice in a set pattern,
// and the @ name not among them. lambdaAt is where Nix reports the latter.
func checkFormals(fs *Formals, arg *Name, lambdaAt Pos, fail func(Pos, string)) {
	sorted := append([]*Formal(nil), fs.List...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Name.Name < sorted[j].Name.Name })
	var dup *Formal
	for i := 1; i < len(sorted); i++ {
		if sorted[i].Name.Name == sorted[i-1].Name.Name && (dup == nil || sorted[i].From.Offset < dup.From.Offset) {
			dup = sorted[i]
		}
	}
	if dup != nil {
		fail(dup.From, fmt.Sprintf("duplicate formal function argument '%s'", dup.Name.Name))
	}
	if arg == nil {
		return
	}
	for _, f := range fs.List {
		if f.Name.Name == arg.Name {
			fail(lambdaAt, fmt.Sprintf("duplicate formal function argument '%s'", arg.Name))
		}
	}
}
