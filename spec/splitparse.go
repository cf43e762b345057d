package spec

import (
	"bytes"
	"runtime"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// minSplitBytes is the smallest file worth parsing on several cores: below
// it, starting goroutines costs more than the parse.
const minSplitBytes = 4 << 10

// parseSplit parses src exactly as hclsyntax.ParseConfig does, on up to
// GOMAXPROCS cores. hclsyntax parses one file on one core, and a large
// fleet's isos.hcl — a hundred variants with heredoc nix bodies — spends
// a third of validate there while the other cores idle.
//
// The file is cut at lines that are a lone "}" (where a top-level block
// of formatted HCL ends), each piece is parsed with its true start
// position, and the bodies are joined. A cut anywhere else — inside a
// block, heredoc, comment or expression — leaves a piece unterminated,
// which is a syntax error; on any error (or an attribute defined in two
// pieces) the whole file is parsed again in one piece, so diagnostics
// are exactly hclsyntax's.
func parseSplit(src []byte, filename string) (*hcl.File, hcl.Diagnostics) {
	return parseAt(src, filename, cutPoints(src, runtime.GOMAXPROCS(0)))
}

// parseAt parses src cut at cuts (line starts, in order) and joins the
// pieces, or parses it whole when that cannot give hclsyntax's result.
func parseAt(src []byte, filename string, cuts []hcl.Pos) (*hcl.File, hcl.Diagnostics) {
	if len(cuts) == 0 {
		return hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	}
	files, diags := parsePieces(src, filename, cuts)
	if diags.HasErrors() {
		return hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	}
	body, ok := joinBodies(files)
	if !ok {
		return hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	}
	nav := make(joinedNav, len(files))
	for i, f := range files {
		nav[i] = f.Nav.(contextNav)
	}
	return &hcl.File{Body: body, Bytes: src, Nav: nav}, diags
}

// cutPoints returns up to n-1 positions, spread evenly through src, where
// a line follows a line that is exactly "}".
func cutPoints(src []byte, n int) []hcl.Pos {
	if n < 2 || len(src) < minSplitBytes {
		return nil
	}
	var cuts []hcl.Pos
	line, lineStart := 1, 0
	next := len(src) / n
	for i := 0; i < len(src) && len(cuts) < n-1; i++ {
		if src[i] != '\n' {
			continue
		}
		line++
		prev := bytes.TrimSuffix(src[lineStart:i], []byte("\r"))
		lineStart = i + 1
		if lineStart >= next && lineStart < len(src) && string(prev) == "}" {
			cuts = append(cuts, hcl.Pos{Line: line, Column: 1, Byte: lineStart})
			next = lineStart + len(src)/n
		}
	}
	return cuts
}

// parsePieces parses src cut at cuts, each piece on its own goroutine,
// and returns the pieces' files in order with their diagnostics.
func parsePieces(src []byte, filename string, cuts []hcl.Pos) ([]*hcl.File, hcl.Diagnostics) {
	starts := append([]hcl.Pos{hcl.InitialPos}, cuts...)
	files := make([]*hcl.File, len(starts))
	pieceDiags := make([]hcl.Diagnostics, len(starts))
	var wg sync.WaitGroup
	for i, start := range starts {
		end := len(src)
		if i+1 < len(starts) {
			end = starts[i+1].Byte
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			files[i], pieceDiags[i] = hclsyntax.ParseConfig(src[start.Byte:end], filename, start)
		}()
	}
	wg.Wait()
	var diags hcl.Diagnostics
	for _, d := range pieceDiags {
		diags = append(diags, d...)
	}
	return files, diags
}

// joinBodies joins the pieces' top-level bodies into the one body a
// single parse would give; false when an attribute is defined in two
// pieces (a single parse reports that).
func joinBodies(files []*hcl.File) (*hclsyntax.Body, bool) {
	first := files[0].Body.(*hclsyntax.Body)
	last := files[len(files)-1].Body.(*hclsyntax.Body)
	body := &hclsyntax.Body{
		Attributes: hclsyntax.Attributes{},
		Blocks:     hclsyntax.Blocks{},
		SrcRange:   hcl.RangeBetween(first.SrcRange, last.SrcRange),
		EndRange:   last.EndRange,
	}
	for _, f := range files {
		piece := f.Body.(*hclsyntax.Body)
		for name, attr := range piece.Attributes {
			if _, dup := body.Attributes[name]; dup {
				return nil, false
			}
			body.Attributes[name] = attr
		}
		body.Blocks = append(body.Blocks, piece.Blocks...)
	}
	return body, true
}

// contextNav is what hclsyntax's file navigation gives diagnostics: the
// block header ("variant \"a\"") around a byte offset.
type contextNav interface {
	ContextString(offset int) string
	ContextDefRange(offset int) hcl.Range
}

// joinedNav asks each piece's navigation in turn; only the piece holding
// the offset's block answers.
type joinedNav []contextNav

// ContextString implements hcled's context for diagnostics.
func (n joinedNav) ContextString(offset int) string {
	for _, piece := range n {
		if s := piece.ContextString(offset); s != "" {
			return s
		}
	}
	return ""
}

// ContextDefRange implements hcled's definition range.
func (n joinedNav) ContextDefRange(offset int) hcl.Range {
	for _, piece := range n {
		if r := piece.ContextDefRange(offset); r != (hcl.Range{}) {
			return r
		}
	}
	return hcl.Range{}
}
