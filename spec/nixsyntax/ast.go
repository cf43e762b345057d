package nixsyntax

// File is a parsed Nix file.
type File struct {
	Name string
	Root Node
}

// Node is an expression or a part of one. Pos is where its first byte is;
// End is just after its last byte.
type Node interface {
	Pos() Pos
	End() Pos
}

// Span is the source range of a node; every node embeds one.
type Span struct{ From, To Pos }

// Pos returns the position of the node's first byte.
func (s Span) Pos() Pos { return s.From }

// End returns the position just after the node's last byte.
func (s Span) End() Pos { return s.To }

// Int is an integer literal.
type Int struct {
	Span
	Value int64
}

// Float is a floating point literal such as 1.5, .5e3 or 1.
type Float struct {
	Span
	Value float64
}

// Text is a literal piece of a String, IndentedString or Path. Value has
// the escapes resolved; for an indented string the common indentation is
// not yet stripped.
type Text struct {
	Span
	Value string
}

// Interpolation is ${X} inside a string or path, or a dynamic attribute
// name.
type Interpolation struct {
	Span
	X Node
}

// String is a "..." string; Parts are *Text and *Interpolation.
type String struct {
	Span
	Parts []Node
}

// IndentedString is a ”...” string; Parts are *Text and *Interpolation.
type IndentedString struct {
	Span
	Parts []Node
}

// PathKind says how a path literal is anchored.
type PathKind uint8

// The kinds of path literals.
const (
	PathRelative PathKind = iota // ./x, ../x, x/y
	PathAbsolute                 // /x
	PathHome                     // ~/x
	PathSearch                   // <x>
)

// String names the kind: relative, absolute, home or search.
func (k PathKind) String() string {
	return [...]string{"relative", "absolute", "home", "search"}[k]
}

// Path is a path literal. Text is its source text (interpolations
// included). Parts holds the literal pieces (*Text) and the interpolations
// (*Interpolation) in order, and is empty for a search path <x>; Dynamic
// is true when there is at least one interpolation, i.e. the file it
// names is only known at evaluation.
type Path struct {
	Span
	Kind    PathKind
	Text    string
	Parts   []Node
	Dynamic bool
}

// URI is an unquoted URL literal such as https://example.org/x.
type URI struct {
	Span
	Text string
}

// Var is a variable reference (an identifier in expression position).
// __curPos is a Var too.
type Var struct {
	Span
	Name string
}

// Name is an identifier used as an attribute name, formal argument or
// lambda argument (or the keyword `or` used as an attribute name).
type Name struct {
	Span
	Name string
}

// Select is X.a.b or Default. Path elements are *Name, *String and
// *Interpolation (for ${e}).
type Select struct {
	Span
	X       Node
	Path    []Node
	Default Node // nil without `or`
}

// HasAttr is X ? a.b.
type HasAttr struct {
	Span
	X    Node
	Path []Node
}

// Apply is a function application Func Args[0] Args[1] ... The first
// argument of an import call is Args[0].
type Apply struct {
	Span
	Func Node
	Args []Node
}

// Formal is one argument of a set pattern, with its default if any.
type Formal struct {
	Span
	Name    *Name
	Default Node
}

// Formals is a set pattern { a, b ? d, ... }.
type Formals struct {
	Span
	List     []*Formal
	Ellipsis bool
}

// Lambda is a function: `x: body`, `{ a, ... }: body` or
// `{ a, ... }@x: body` (Arg set, Formals set).
type Lambda struct {
	Span
	Arg     *Name    // nil when there is only a set pattern
	Formals *Formals // nil for a plain `x: body`
	Body    Node
}

// Bind is an attribute definition `a.b.c = Value;`. Path elements are
// *Name, *String and *Interpolation.
type Bind struct {
	Span
	Path  []Node
	Value Node
}

// Inherit is `inherit a b;` or `inherit (From) a b;`. Names are *Name,
// *String, or *Interpolation of a plain string (`inherit ${"a"};`).
type Inherit struct {
	Span
	From  Node // nil without parentheses
	Names []Node
}

// AttrSet is { ... } or rec { ... }; Binds are *Bind and *Inherit.
type AttrSet struct {
	Span
	Rec   bool
	Binds []Node
	attrs *attrModel // Nix's merged view, for the static checks
}

// LetIn is let ...; in Body; Binds are *Bind and *Inherit.
type LetIn struct {
	Span
	Binds []Node
	Body  Node
	attrs *attrModel
}

// Let is the old `let { ...; body = ...; }` form, which Nix reads as
// (rec { ... }).body.
type Let struct {
	Span
	Binds []Node
	attrs *attrModel
}

// With is with Env; Body.
type With struct {
	Span
	Env, Body Node
}

// Assert is assert Cond; Body.
type Assert struct {
	Span
	Cond, Body Node
}

// If is if Cond then Then else Else.
type If struct {
	Span
	Cond, Then, Else Node
}

// List is [ a b c ].
type List struct {
	Span
	Items []Node
}

// Op is a unary or binary operator.
type Op uint8

// The operators, from the tightest binding to the loosest (unary minus and
// ? bind tighter than all these but application and selection).
const (
	OpNeg       Op = iota // -x
	OpConcat              // ++
	OpMul                 // *
	OpDiv                 // /
	OpAdd                 // +
	OpSub                 // -
	OpNot                 // !x
	OpUpdate              // //
	OpLess                // <
	OpGreater             // >
	OpLessEq              // <=
	OpGreaterEq           // >=
	OpEq                  // ==
	OpNotEq               // !=
	OpAnd                 // &&
	OpOr                  // ||
	OpImpl                // ->
)

// String is the operator as written in Nix.
func (o Op) String() string {
	return [...]string{"-", "++", "*", "/", "+", "-", "!", "//", "<", ">", "<=", ">=", "==", "!=", "&&", "||", "->"}[o]
}

// Unary is !X or -X.
type Unary struct {
	Span
	Op Op
	X  Node
}

// Binary is X Op Y.
type Binary struct {
	Span
	Op   Op
	X, Y Node
}

// Paren is (X).
type Paren struct {
	Span
	X Node
}
