package views

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
)

// TestDiagnosticsAreCapped: thousands of errors print the first
// MaxShownDiagnostics and one line with the exact remaining counts.
func TestDiagnosticsAreCapped(t *testing.T) {
	var diags hcl.Diagnostics
	for i := 0; i < 150; i++ {
		sev := hcl.DiagError
		if i%10 == 0 {
			sev = hcl.DiagWarning
		}
		diags = append(diags, &hcl.Diagnostic{Severity: sev, Summary: "Broken", Detail: "detail"})
	}
	var out, errw bytes.Buffer
	New(&out, &errw, true).Diagnostics(diags)
	got := errw.String()
	if n := strings.Count(got, "Broken"); n != MaxShownDiagnostics {
		t.Errorf("%d diagnostics printed, want %d", n, MaxShownDiagnostics)
	}
	if !strings.Contains(got, "... and 45 more errors and 5 more warnings, not shown") {
		t.Errorf("no count of the rest:\n%s", got[len(got)-200:])
	}
}
