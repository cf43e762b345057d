package spec_test

import (
	"testing"

	"github.com/isoforge/isoforge/spec"
)

// TestNixSourceMapsValueLinesToTheFile checks that a position inside the
// nix value lands on the same text in isos.hcl, for each way of writing
// the value, and falls back to the expression when no line map exists.
func TestNixSourceMapsValueLinesToTheFile(t *testing.T) {
	cfg := loadSource(t, `
-- isos.hcl --
variable "body" { default = "a = 1;" }
nixpkgs { channel = "nixos-24.11" }
variant "flush" {
  nix = <<-EOT
      a = 1;
        b = 2;
    EOT
}
variant "plain" {
  nix = <<EOT
c = 3;
EOT
}
variant "quoted" { nix = "d = 4;" }
variant "fromvar" { nix = var.body }
`, spec.Options{})
	tests := []struct {
		variant         string
		line, col       int
		wantLine, wantC int
		exact           bool
	}{
		{"flush", 1, 1, 5, 7, true},
		{"flush", 2, 3, 6, 9, true},
		{"plain", 1, 1, 11, 1, true},
		{"quoted", 1, 3, 14, 29, true},
		{"fromvar", 1, 1, 15, 27, false},
	}
	for _, tt := range tests {
		v, _ := cfg.Variant(tt.variant)
		p, exact := v.NixSource.Pos(tt.line, tt.col)
		if p.Line != tt.wantLine || p.Column != tt.wantC || exact != tt.exact {
			t.Errorf("%s: Pos(%d,%d) = %d:%d exact=%v, want %d:%d exact=%v",
				tt.variant, tt.line, tt.col, p.Line, p.Column, exact, tt.wantLine, tt.wantC, tt.exact)
		}
		if v.NixSource.File != "isos.hcl" {
			t.Errorf("%s: File = %q", tt.variant, v.NixSource.File)
		}
	}
}
