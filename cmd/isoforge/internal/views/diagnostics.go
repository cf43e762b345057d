package views

import (
	"bufio"
	"fmt"
	"io"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcled"
)

// MaxShownDiagnostics caps the diagnostics printed with snippets: each
// snippet scans its file, and a hostile isos.hcl with tens of thousands
// of errors must not take minutes to report (a compiler stops at "too many
// errors" too). The counts stay exact.
const MaxShownDiagnostics = 100

// Diagnostics prints diagnostics on stderr in hcl's text format, with
// file, line, column and a source snippet, wrapped to the terminal (not
// wrapped at all in logs and pipes). Past MaxShownDiagnostics, one line
// says how many more there are.
func (v *View) Diagnostics(diags hcl.Diagnostics) {
	if len(diags) == 0 {
		return
	}
	width := 0
	if IsTerminal(v.errFile) {
		width = Width(v.errFile) - 1
	}
	shown := diags
	if len(shown) > MaxShownDiagnostics {
		shown = shown[:MaxShownDiagnostics]
	}
	wr := hcl.NewDiagnosticTextWriter(v.Err, v.Files, uint(width), v.color)
	_ = wr.WriteDiagnostics(shown)
	if rest := diags[len(shown):]; len(rest) > 0 {
		errs := 0
		for _, d := range rest {
			if d.Severity == hcl.DiagError {
				errs++
			}
		}
		fmt.Fprintf(v.Err, "... and %d more errors and %d more warnings, not shown: fix the ones above first.\n", errs, len(rest)-errs)
	}
}

// Diagnostic is the JSON form of one diagnostic: Terraform's validate
// -json shape (internal/command/views/json/diagnostic.go).
type Diagnostic struct {
	Severity string   `json:"severity"`
	Summary  string   `json:"summary"`
	Detail   string   `json:"detail"`
	Range    *Range   `json:"range,omitempty"`
	Snippet  *Snippet `json:"snippet,omitempty"`
}

// Range is a source range; lines and columns count from 1, bytes from 0.
type Range struct {
	Filename string `json:"filename"`
	Start    Pos    `json:"start"`
	End      Pos    `json:"end"`
}

// Pos is one position in a source file.
type Pos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

// Snippet is the source around a diagnostic: the enclosing block's header
// (context), the lines of code, and where in them the problem is.
type Snippet struct {
	Context              *string `json:"context"`
	Code                 string  `json:"code"`
	StartLine            int     `json:"start_line"`
	HighlightStartOffset int     `json:"highlight_start_offset"`
	HighlightEndOffset   int     `json:"highlight_end_offset"`
	// Values is Terraform's list of expression values; isoforge reports
	// none yet, and keeps the field so Terraform tooling reads it.
	Values []SnippetValue `json:"values"`
}

// SnippetValue is one variable's value in a snippet (Terraform's shape).
type SnippetValue struct {
	Traversal string `json:"traversal"`
	Statement string `json:"statement"`
}

// NewDiagnostics converts diagnostics, adding snippets from files.
func NewDiagnostics(diags hcl.Diagnostics, files map[string]*hcl.File) []Diagnostic {
	out := make([]Diagnostic, 0, len(diags))
	for i, d := range diags {
		if i == MaxShownDiagnostics {
			files = nil // no more snippets: each scans its file
		}
		out = append(out, NewDiagnostic(d, files))
	}
	return out
}

// NewDiagnostic converts one diagnostic.
func NewDiagnostic(d *hcl.Diagnostic, files map[string]*hcl.File) Diagnostic {
	jd := Diagnostic{Severity: "error", Summary: d.Summary, Detail: d.Detail}
	if d.Severity == hcl.DiagWarning {
		jd.Severity = "warning"
	}
	if d.Subject == nil {
		return jd
	}
	s := *d.Subject
	jd.Range = &Range{Filename: s.Filename, Start: pos(s.Start), End: pos(s.End)}
	if f := files[s.Filename]; f != nil && len(f.Bytes) > 0 {
		jd.Snippet = snippet(f, d)
	}
	return jd
}

func pos(p hcl.Pos) Pos { return Pos{Line: p.Line, Column: p.Column, Byte: p.Byte} }

// snippet copies the whole lines the diagnostic's range (and its context
// range) cover, as Terraform does.
func snippet(f *hcl.File, d *hcl.Diagnostic) *Snippet {
	highlight := *d.Subject
	rng := highlight
	if d.Context != nil {
		rng = hcl.RangeOver(rng, *d.Context)
	}
	src := f.Bytes
	start, end := -1, -1
	sc := hcl.NewRangeScanner(src, rng.Filename, bufio.ScanLines)
	for sc.Scan() {
		line := sc.Range()
		if !line.Overlaps(rng) && !(line.Start.Line == rng.Start.Line) {
			continue
		}
		if start < 0 {
			start = line.Start.Byte
		}
		end = line.End.Byte
	}
	if start < 0 || end > len(src) {
		return nil
	}
	sn := &Snippet{Code: string(src[start:end]), StartLine: rng.Start.Line, Values: []SnippetValue{}}
	sn.HighlightStartOffset = clamp(highlight.Start.Byte-start, 0, len(sn.Code))
	sn.HighlightEndOffset = clamp(highlight.End.Byte-start, sn.HighlightStartOffset, len(sn.Code))
	if c := hcled.ContextString(f, highlight.Start.Byte-1); c != "" {
		sn.Context = &c
	}
	return sn
}

func clamp(n, lo, hi int) int { return max(lo, min(n, hi)) }

// DiagnosticsJSON is the document plan, apply, render, show and list
// print under -json when the configuration does not load.
type DiagnosticsJSON struct {
	FormatVersion string       `json:"format_version"`
	Valid         bool         `json:"valid"`
	ErrorCount    int          `json:"error_count"`
	WarningCount  int          `json:"warning_count"`
	Diagnostics   []Diagnostic `json:"diagnostics"`
}

// NewDiagnosticsJSON counts and converts diagnostics.
func NewDiagnosticsJSON(diags []Diagnostic) DiagnosticsJSON {
	doc := DiagnosticsJSON{FormatVersion: FormatVersion, Diagnostics: diags}
	for _, d := range diags {
		if d.Severity == "error" {
			doc.ErrorCount++
		} else {
			doc.WarningCount++
		}
	}
	doc.Valid = doc.ErrorCount == 0
	return doc
}

// WriteDiagnosticsJSON writes diagnostics as one JSON document on w.
func WriteDiagnosticsJSON(w io.Writer, diags hcl.Diagnostics, files map[string]*hcl.File) error {
	return WriteJSON(w, NewDiagnosticsJSON(NewDiagnostics(diags, files)))
}
