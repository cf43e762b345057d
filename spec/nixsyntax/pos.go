package nixsyntax

import "fmt"

// Pos is a place in a source file. Offset counts bytes from 0; Line and
// Column start at 1, and Column counts bytes, as Nix does. "\r\n" and a
// lone "\r" end a line, as in Nix's lexer.
type Pos struct {
	Offset int
	Line   int
	Column int
}

// String renders the position as LINE:COLUMN, the form Nix prints.
func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Column) }

// startPos is the position of the first byte of a file.
var startPos = Pos{Offset: 0, Line: 1, Column: 1}

// SyntaxError is the error Parse returns for input Nix would reject. Pos is
// where `nix-instantiate --parse` reports the problem (Nix's quirks
// included, e.g. an unexpected end of file is reported at the last token or
// blank before it).
type SyntaxError struct {
	Filename string
	Pos      Pos
	Msg      string
}

// Error renders the error as FILE:LINE:COLUMN: MESSAGE.
func (e *SyntaxError) Error() string {
	if e.Filename == "" {
		return fmt.Sprintf("%s: %s", e.Pos, e.Msg)
	}
	return fmt.Sprintf("%s:%s: %s", e.Filename, e.Pos, e.Msg)
}

// advance moves p over text the way Nix's adjustLoc does: every byte is one
// column, and "\n", "\r" or "\r\n" starts a new line.
func advance(p Pos, text []byte) Pos {
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\r':
			if i+1 < len(text) && text[i+1] == '\n' {
				i++
			}
			p.Line++
			p.Column = 1
		case '\n':
			p.Line++
			p.Column = 1
		default:
			p.Column++
		}
	}
	p.Offset += len(text)
	return p
}
