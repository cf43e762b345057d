package lockfile

import (
	"strings"
	"testing"
)

// FuzzCanonicalMatchesHCL: whatever the fast path accepts, the HCL
// parser reads to the same lock.
func FuzzCanonicalMatchesHCL(f *testing.F) {
	l := New()
	rev := strings.Repeat("c", 40)
	l.SetPin(Pin{Channel: "nixos-24.11", Rev: rev, URL: "https://github.com/NixOS/nixpkgs/archive/" + rev + ".tar.gz", NarHash: "sha256-" + strings.Repeat("B", 43) + "="})
	l.SetVariant("a", Entry{InputsHash: "h1:" + strings.Repeat("A", 43) + "=", Format: "iso", Artifact: "out/a.iso",
		SHA256: strings.Repeat("0", 64), Size: 3, Inputs: map[string]string{"src/x ${y} \"z\".nix": strings.Repeat("1", 16), "iso.nix": strings.Repeat("2", 16)}})
	f.Add(l.Bytes())
	f.Add([]byte(header + "\nvariant \"a\" {\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		fast, ok := parseCanonical(src)
		if !ok {
			return
		}
		slow, _, diags := parseHCL(src, FileName)
		if diags.HasErrors() || !slow.Equal(fast) {
			t.Fatalf("the fast path read %q differently from HCL: %v", src, diags)
		}
	})
}
