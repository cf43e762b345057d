package spec

import (
	"bytes"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// SourceMap says where the lines of a string attribute's value were
// written, so that positions Nix reports inside the nix body (at
// validate time or in a build log) point into isos.hcl.
type SourceMap struct {
	// File is the configuration file, relative to the configuration
	// directory, slash separated ("isos.hcl").
	File string
	// Expr is where the value's expression was written.
	Expr hcl.Range
	// Lines holds, for each line of the value, the file position of its
	// first character. It is nil when the value is not a literal that
	// maps line by line (it came from a variable, a function, or an
	// interpolated string): positions then fall back to Expr.
	Lines []hcl.Pos
}

// Pos maps a 1-based line and column inside the value to the file. exact
// is false when only the expression's start is known.
func (m SourceMap) Pos(line, col int) (pos hcl.Pos, exact bool) {
	if line < 1 || line > len(m.Lines) {
		return m.Expr.Start, false
	}
	p := m.Lines[line-1]
	p.Column += col - 1
	p.Byte += col - 1
	return p, true
}

// Range is a one-character range at Pos, for diagnostics.
func (m SourceMap) Range(line, col int) hcl.Range {
	p, exact := m.Pos(line, col)
	if !exact {
		return m.Expr
	}
	end := p
	end.Column++
	end.Byte++
	return hcl.Range{Filename: m.Expr.Filename, Start: p, End: end}
}

// newSourceMap maps a string value to the source of its expression when
// the source is a heredoc, or a quoted string without escapes, whose
// lines are the value's lines (HCL strips a flush heredoc's common
// indentation, as <<- does).
func newSourceMap(dir string, rng hcl.Range, src []byte, value string) SourceMap {
	m := SourceMap{File: RelFile(dir, rng.Filename), Expr: rng}
	if src == nil || rng.End.Byte > len(src) || rng.Start.Byte >= rng.End.Byte {
		return m
	}
	raw := src[rng.Start.Byte:rng.End.Byte]
	switch {
	case bytes.HasPrefix(raw, []byte("<<")):
		m.Lines = heredocLines(rng, raw, value)
	case len(raw) >= 2 && raw[0] == '"' && string(raw[1:len(raw)-1]) == value:
		p := rng.Start
		p.Column++
		p.Byte++
		m.Lines = []hcl.Pos{p}
	}
	return m
}

// heredocLines finds each value line in the heredoc's body lines.
func heredocLines(rng hcl.Range, raw []byte, value string) []hcl.Pos {
	body := strings.Split(string(raw), "\n")
	if len(body) < 2 {
		return nil
	}
	body = body[1 : len(body)-1] // drop the <<EOT and EOT lines
	vals := strings.Split(strings.TrimSuffix(value, "\n"), "\n")
	if len(vals) != len(body) {
		return nil
	}
	out := make([]hcl.Pos, len(vals))
	offset := rng.Start.Byte + len(strings.SplitN(string(raw), "\n", 2)[0]) + 1
	for i, line := range body {
		indent := len(line) - len(vals[i])
		if indent < 0 || line[indent:] != vals[i] {
			return nil
		}
		out[i] = hcl.Pos{Line: rng.Start.Line + 1 + i, Column: indent + 1, Byte: offset + indent}
		offset += len(line) + 1
	}
	return out
}

// RelFile is a configuration file's name relative to the configuration
// directory, slash separated, as diagnostics and build logs name it.
func RelFile(dir, name string) string {
	if rel, err := filepath.Rel(dir, name); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.Base(name)
}
