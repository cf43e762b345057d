package main

import (
	"context"
	"fmt"

	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/engine/workspace"
	"github.com/isoforge/isoforge/spec"
)

type lockCheck struct {
	Error      string         `json:"error,omitempty"`
	Mismatches []lockMismatch `json:"mismatches"`
}

type lockMismatch struct {
	Variant string `json:"variant"`
	Reason  string `json:"reason"`
}

func checkLocked(cfg *spec.Config) *lockCheck {
	res := &lockCheck{Mismatches: []lockMismatch{}}
	ws, diags := workspace.Open(cfg)
	if diags.HasErrors() {
		res.Error = diags.Error()
		return res
	}
	mm, err := ws.CheckLocked(context.Background())
	if err != nil {
		res.Error = err.Error()
		return res
	}
	for _, m := range mm {
		res.Mismatches = append(res.Mismatches, lockMismatch{m.Variant, m.Reason})
	}
	return res
}

func writeLockResult(s *streams, lc *lockCheck) {
	if lc == nil {
		return
	}
	if lc.Error != "" {
		fmt.Fprintf(s.err, "Error: %s\n", lc.Error)
	}
	for _, m := range lc.Mismatches {
		fmt.Fprintf(s.err, "Error: variant %s does not match %s: %s\n", m.Variant, lockfile.FileName, m.Reason)
	}
	if len(lc.Mismatches) > 0 {
		fmt.Fprintln(s.err, "Run `isoforge apply` and commit the updated isos.lock.hcl.")
	}
}
