package views

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/engine/plan"
)

func TestSummary(t *testing.T) {
	built := apply.Result{Variant: "a", Kind: plan.Create, Built: true, Artifact: "out/a.iso", Size: 2048}
	failed := apply.Result{Variant: "b", Kind: plan.Create, Err: errors.New("build of b failed (exit code 7)"), Artifact: "out/b.iso", LogPath: "/l/b.log"}
	cancelled := apply.Result{Variant: "c", Kind: plan.Create, Err: context.Canceled, Artifact: "out/c.iso"}
	missing := errors.New("podman: image x is not present and pulling it failed")
	for _, tc := range []struct {
		name       string
		rs         []apply.Result
		err        error
		wantOut    []string
		notOut     []string
		wantErrEnd string
	}{
		{"complete", []apply.Result{built}, nil, []string{"Apply complete: 1 built, 0 unchanged, 0 removed."}, []string{"failed"}, ""},
		{"failed with an abort", []apply.Result{built, failed, cancelled}, apply.ErrBuildsFailed,
			[]string{"Apply failed: 1 built, 0 unchanged, 1 failed, 0 removed, 1 cancelled.", "b        failed     -"},
			[]string{"Apply complete", "Apply interrupted", "out/b.iso"}, "  Full log: /l/b.log\n"},
		{"interrupted", []apply.Result{built, cancelled}, context.Canceled,
			[]string{"Apply interrupted: 1 built, 0 unchanged, 0 failed, 0 removed, 1 cancelled."}, []string{"Apply complete"}, ""},
		{"missing image", nil, missing, nil, []string{"Apply", "VARIANT"}, "Error: podman: image x is not present and pulling it failed\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errw bytes.Buffer
			summary(&View{Out: &out, Err: &errw, outFile: &out, errFile: &errw}, tc.rs, tc.err)
			for _, w := range tc.wantOut {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, out.String())
				}
			}
			for _, n := range tc.notOut {
				if strings.Contains(out.String(), n) {
					t.Errorf("stdout has %q:\n%s", n, out.String())
				}
			}
			if !strings.HasSuffix(errw.String(), tc.wantErrEnd) || (tc.wantErrEnd == "") != (errw.Len() == 0) {
				t.Errorf("stderr should end with %q:\n%s", tc.wantErrEnd, errw.String())
			}
		})
	}
}
