// Package nixsyntax parses the Nix language offline and in-process,
// exactly as Nix 2.8 does (Debian's nix-bin, the version our tests compare
// with): the same tokens, grammar, precedence and associativity, and the
// static checks that `nix-instantiate --parse` makes on top of the grammar:
// duplicate attributes (with Nix's merging of a.b = ...; and set
// literals), duplicate formal arguments, dynamic attributes in let and
// inherit, and undefined variables (outside any `with`). It follows
// src/libexpr/lexer.l, parser.y and nixexpr.cc (bindVars) of Nix 2.8.0.
//
// Parse returns a *File whose Root is the expression; every node has its
// exact source span (Pos, End), so errors and path literals map back into
// the file, or the heredoc, they came from. A rejected input gives a
// *SyntaxError at the line and column Nix reports, Nix's quirks included
// (e.g. an unexpected end of file is reported at the last token or blank).
// Columns count bytes, as Nix does; use Offset to map into other encodings.
//
// Walk visits a tree in pre-order; Paths lists the path literals (with
// their kind and whether they interpolate) and Imports the import calls,
// which is what following the files a module reaches needs.
//
// Deliberate difference from Nix: nesting deeper than MaxDepth levels is
// rejected (parentheses, sets, lists, lambdas, and each operator of a
// chain such as a + b + c count one level), so that hostile input cannot
// exhaust the stack of the tools that walk the tree. Parsing takes linear
// time in the input size.
package nixsyntax
