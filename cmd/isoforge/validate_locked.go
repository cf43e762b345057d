package main

import (
	"context"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/engine/workspace"
	"github.com/isoforge/isoforge/spec"
)

// lockDiagnostics checks isos.lock.hcl against the configuration: one
// error per mismatching variant, at its variant block.
func lockDiagnostics(cfg *spec.Config) hcl.Diagnostics {
	ws, diags := workspace.Open(cfg)
	if diags.HasErrors() {
		return diags
	}
	mm, err := ws.CheckLocked(context.Background())
	if err != nil {
		return append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot check " + lockfile.FileName, Detail: err.Error()})
	}
	for _, m := range mm {
		d := &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  fmt.Sprintf("Variant %s does not match %s", m.Variant, lockfile.FileName),
			Detail:   fmt.Sprintf("Reason: %s. Run `isoforge apply` and commit the updated %s.", m.Reason, lockfile.FileName),
		}
		if v, ok := cfg.Variant(m.Variant); ok && v.DeclRange.Filename != "" {
			d.Subject = v.DeclRange.Ptr()
		}
		diags = append(diags, d)
	}
	return diags
}
