package main

import (
	"errors"

	"github.com/hashicorp/hcl/v2"
	"github.com/isoforge/isoforge/cmd/isoforge/internal/views"
)

// output routes one command's diagnostics and errors: to stderr as text,
// or with -json to stdout as JSON, so a -json consumer always gets JSON
// on stdout, even when the configuration does not load.
type output struct {
	v      *views.View
	asJSON bool
	// stream is apply -json's NDJSON stream; diagnostics become messages.
	stream *views.ApplyJSON
	// collected are -json diagnostics kept for the command's document.
	collected []views.Diagnostic
}

func newOutput(s *streams, g *globals, asJSON bool) *output {
	return &output{v: views.New(s.out, s.err, g.noColor), asJSON: asJSON}
}

// diagnostics reports diagnostics from the configuration's files.
func (o *output) diagnostics(diags hcl.Diagnostics, files map[string]*hcl.File) {
	switch {
	case len(diags) == 0:
	case o.stream != nil:
		o.stream.Diagnostics(diags, files)
	case o.asJSON:
		o.collected = append(o.collected, views.NewDiagnostics(diags, files)...)
	default:
		o.v.Files = files
		o.v.Diagnostics(diags)
	}
}

// fail reports err and returns the exit error for it. With -json the
// collected diagnostics and err go to stdout as one JSON document.
func (o *output) fail(err error) error {
	code := exitError1
	var ee *exitError
	if errors.As(err, &ee) {
		code, err = ee.code, ee.err
	}
	switch {
	case o.stream != nil:
		if err != nil {
			o.stream.Error(err)
		}
	case o.asJSON:
		if err != nil {
			o.collected = append(o.collected, views.NewDiagnostic(&hcl.Diagnostic{Severity: hcl.DiagError, Summary: err.Error()}, nil))
		}
		_ = views.WriteJSON(o.v.Out, views.NewDiagnosticsJSON(o.collected))
	case err != nil:
		o.v.Error(err)
	}
	return &exitError{code: code}
}

// diagnosticsJSON returns the collected -json diagnostics, never nil.
func (o *output) diagnosticsJSON() []views.Diagnostic {
	if o.collected == nil {
		return []views.Diagnostic{}
	}
	return o.collected
}
