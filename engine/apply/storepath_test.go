package apply

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/isoforge/isoforge/engine/pin"
)

// The store path computed here is the one Nix computes for the same tree.
func TestSourcePathMatchesNix(t *testing.T) {
	dir := t.TempDir()
	if err := exec.Command("cp", "-r", "../../testdata/nixpkgs-standin/.", dir).Run(); err != nil {
		t.Fatal(err)
	}
	sri, err := pin.HashTree(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := sourcePath(sri)
	if !ok {
		t.Fatalf("no path for %q", sri)
	}
	hexSum, _ := narHex(sri)
	out, err := exec.Command("nix-store", "--print-fixed-path", "--recursive", "sha256", hexSum, "source").Output()
	if err != nil {
		t.Skipf("nix-store is not installed here (scripts/test-env.sh installs it): %v", err)
	}
	if want := strings.TrimSpace(string(out)); got != want {
		t.Errorf("sourcePath = %s, nix-store --print-fixed-path = %s", got, want)
	}
}
