// Package views owns everything isoforge prints: the human view for a
// terminal, the plain view for CI logs and the JSON view for -json, for
// every command. Commands decide what happened; views decide how it
// looks. Modelled on Terraform's internal/command/views.
package views

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/mattn/go-isatty"
	"golang.org/x/term"
)

// FormatVersion is the format_version of every -json output. Consumers
// accept any 1.x; a new major version means an incompatible change
// (docs/json.md).
const FormatVersion = "1.0"

// View is the output streams of one command run. On a terminal they
// wrap lines one column before its width.
type View struct {
	Out   io.Writer
	Err   io.Writer
	color bool
	// outFile and errFile are the raw streams, for terminal queries.
	outFile, errFile io.Writer
	// Files are the parsed configuration files, for diagnostic snippets.
	Files map[string]*hcl.File
}

// New returns a view on the streams; color is used only when the stream
// is a terminal and noColor (or NO_COLOR) does not forbid it.
func New(out, errw io.Writer, noColor bool) *View {
	color := !noColor && os.Getenv("NO_COLOR") == "" && IsTerminal(out)
	v := &View{Out: out, Err: errw, color: color, outFile: out, errFile: errw}
	if IsTerminal(out) {
		v.Out = &wrapWriter{w: out, width: func() int { return Width(out) }}
	}
	if IsTerminal(errw) {
		v.Err = &wrapWriter{w: errw, width: func() int { return Width(errw) }}
	}
	return v
}

// Interactive reports whether stdout is a terminal (the live view's home).
func (v *View) Interactive() bool { return IsTerminal(v.outFile) }

// OutWidth is stdout's width in columns.
func (v *View) OutWidth() int { return Width(v.outFile) }

// Color reports whether the view paints with ANSI colors.
func (v *View) Color() bool { return v.color }

// fder is a writer backed by a file descriptor: an *os.File, or a
// wrapper around one (main's broken-pipe detector).
type fder interface{ Fd() uintptr }

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(fder)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// Width is the terminal's width in columns, read on every call so a
// resized window is honoured; 80 when w is not a terminal.
func Width(w io.Writer) int {
	if f, ok := w.(fder); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
			return cols
		}
	}
	return 80
}

// Error prints err as an `Error:` block on stderr, once, with the detail
// indented under the summary line (Terraform's shape).
func (v *View) Error(err error) {
	summary, detail, _ := strings.Cut(err.Error(), "\n")
	v.ErrorBlock(summary, detail)
}

// ErrorBlock prints a summary and an optional detail as an `Error:` block.
func (v *View) ErrorBlock(summary, detail string) {
	fmt.Fprintf(v.Err, "%s %s\n", v.paint("31;1", "Error:"), summary)
	if strings.TrimSpace(detail) != "" {
		fmt.Fprintln(v.Err)
		for _, line := range strings.Split(strings.TrimRight(detail, "\n"), "\n") {
			fmt.Fprintf(v.Err, "  %s\n", strings.TrimLeft(line, " "))
		}
	}
}

// Warning prints a one-line warning on stderr.
func (v *View) Warning(msg string) {
	fmt.Fprintf(v.Err, "%s %s\n", v.paint("33;1", "Warning:"), msg)
}

func (v *View) paint(code, s string) string {
	if !v.color {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// WriteJSON writes one indented JSON document.
func WriteJSON(w io.Writer, doc any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
