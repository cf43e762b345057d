package nixsyntax

// Walk visits n and everything below it in pre-order (source order). When
// fn returns false, the children of that node are skipped.
func Walk(n Node, fn func(Node) bool) {
	if n == nil || !fn(n) {
		return
	}
	Children(n, func(c Node) { Walk(c, fn) })
}

// Children calls fn for each direct child of n in source order.
func Children(n Node, fn func(Node)) {
	each := func(ns []Node) {
		for _, c := range ns {
			fn(c)
		}
	}
	opt := func(c Node) {
		if c != nil {
			fn(c)
		}
	}
	switch n := n.(type) {
	case *Interpolation:
		fn(n.X)
	case *String:
		each(n.Parts)
	case *IndentedString:
		each(n.Parts)
	case *Path:
		each(n.Parts)
	case *Select:
		fn(n.X)
		each(n.Path)
		opt(n.Default)
	case *HasAttr:
		fn(n.X)
		each(n.Path)
	case *Apply:
		fn(n.Func)
		each(n.Args)
	case *Formal:
		fn(n.Name)
		opt(n.Default)
	case *Formals:
		for _, f := range n.List {
			fn(f)
		}
	case *Lambda:
		lambdaChildren(n, fn)
	case *Bind:
		each(n.Path)
		fn(n.Value)
	case *Inherit:
		opt(n.From)
		each(n.Names)
	case *AttrSet:
		each(n.Binds)
	case *LetIn:
		each(n.Binds)
		fn(n.Body)
	case *Let:
		each(n.Binds)
	case *With:
		fn(n.Env)
		fn(n.Body)
	case *Assert:
		fn(n.Cond)
		fn(n.Body)
	case *If:
		fn(n.Cond)
		fn(n.Then)
		fn(n.Else)
	case *List:
		each(n.Items)
	case *Unary:
		fn(n.X)
	case *Binary:
		fn(n.X)
		fn(n.Y)
	case *Paren:
		fn(n.X)
	}
}

// lambdaChildren visits the argument and the set pattern in source order
// (x@{ ... } or { ... }@x), then the body.
func lambdaChildren(n *Lambda, fn func(Node)) {
	argFirst := n.Arg != nil && (n.Formals == nil || n.Arg.From.Offset < n.Formals.From.Offset)
	if argFirst {
		fn(n.Arg)
	}
	if n.Formals != nil {
		fn(n.Formals)
	}
	if n.Arg != nil && !argFirst {
		fn(n.Arg)
	}
	fn(n.Body)
}

// Paths returns every path literal under n (including <x> search paths),
// in source order.
func Paths(n Node) []*Path {
	var out []*Path
	Walk(n, func(c Node) bool {
		if p, ok := c.(*Path); ok {
			out = append(out, p)
		}
		return true
	})
	return out
}

// Imports returns every call of import or scopedImport under n (also
// spelled builtins.import / builtins.scopedImport), in source order; the
// imported expression is the call's Args[0] (Args[1] for scopedImport).
func Imports(n Node) []*Apply {
	var out []*Apply
	Walk(n, func(c Node) bool {
		if a, ok := c.(*Apply); ok && isImportFunc(a.Func) {
			out = append(out, a)
		}
		return true
	})
	return out
}

// isImportFunc reports whether f names the import builtin. It is a
// syntactic check: a let that rebinds import is not followed.
func isImportFunc(f Node) bool {
	for {
		p, ok := f.(*Paren)
		if !ok {
			break
		}
		f = p.X
	}
	switch f := f.(type) {
	case *Var:
		return f.Name == "import" || f.Name == "scopedImport"
	case *Select:
		v, ok := f.X.(*Var)
		if !ok || v.Name != "builtins" || len(f.Path) != 1 || f.Default != nil {
			return false
		}
		name, ok := f.Path[0].(*Name)
		return ok && (name.Name == "import" || name.Name == "scopedImport")
	}
	return false
}
