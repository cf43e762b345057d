package render_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
)

// needNix returns the path of Debian's nix-instantiate: rendered Nix is
// checked by the real evaluator, not by string comparison alone.
func needNix(t testing.TB) string {
	t.Helper()
	if os.Getenv("ISOFORGE_SKIP_NIX_EVAL") == "1" {
		t.Skip("ISOFORGE_SKIP_NIX_EVAL=1: skipping checks with the real Nix evaluator")
	}
	p, err := exec.LookPath("nix-instantiate")
	if err != nil {
		t.Fatal("nix-instantiate not found: install nix-bin (scripts/test-env.sh does) or set ISOFORGE_SKIP_NIX_EVAL=1")
	}
	return p
}

// nixEval evaluates expr strictly and decodes its JSON value.
func nixEval(t testing.TB, dir, expr string, out any) {
	t.Helper()
	cmd := exec.Command(needNix(t), "--eval", "--strict", "--json", "--expr", expr)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NIX_PATH=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("nix-instantiate --eval failed: %v\n%s\nexpression:\n%s", err, stderr.String(), expr)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("decoding %s: %v", b, err)
	}
}

// nixParse checks that a file parses with the real Nix parser.
func nixParse(t testing.TB, path string) {
	t.Helper()
	cmd := exec.Command(needNix(t), "--parse", path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nix-instantiate --parse %s: %v\n%s", path, err, out)
	}
}
