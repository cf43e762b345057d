package security_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// Class "reserved names": a variant cannot take a file isoforge writes in
// the output directory (it would be overwritten by every apply).
func TestReservedFileNames(t *testing.T) {
	for _, n := range []string{"SHA256SUMS", "manifest.json", "MANIFEST.JSON"} {
		a := newArena(t, header+"variant \"a\" {\n  file_name = \""+n+"\"\n}\n")
		refused(t, a.run("validate"), "Reserved file name")
	}
}

// Class "control characters": NUL and control characters never reach Nix
// or the terminal.
func TestControlCharacters(t *testing.T) {
	const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb2m8GJbJq8wN2gBNxyk8ZW3zZbT6bO3Bq9rDq3kC4H"
	for name, tc := range map[string]struct{ src, want string }{
		"NUL in a key comment":   {"variant \"a\" {\n  ssh_authorized_keys = [\"" + key + " alice\\u0000evil\"]\n}\n", "Control character in ssh_authorized_keys"},
		"newline in a module":    {"variant \"a\" {\n  modules = [\"m\\n.nix\"]\n}\n", "Control character in modules"},
		"escape in the nix body": {"variant \"a\" {\n  nix = \"x\\u001b[2J\"\n}\n", "Control character in nix"},
		"raw escape in a label":  {"variant \"a\x1b]0;pwned\x07\" {}\n", "Control character in input"},
		"NUL in a package":       {"variant \"a\" {\n  packages = [\"htop\\u0000\"]\n}\n", "Control character in packages"},
	} {
		t.Run(name, func(t *testing.T) {
			a := newArena(t, "")
			a.write(filepath.Join(a.repo, "isos.hcl"), header+tc.src)
			r := a.run("validate")
			refused(t, r, tc.want)
			for _, raw := range []string{"\x00", "\x1b", "\x07"} {
				if strings.Contains(r.output(), raw) {
					t.Errorf("output holds the raw control character %q", raw)
				}
			}
		})
	}
}
