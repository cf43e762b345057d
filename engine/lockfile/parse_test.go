package lockfile_test

import (
	"strings"
	"testing"

	"github.com/isoforge/isoforge/engine/lockfile"
)

// TestParseIsStrict feeds lockfiles with one bad value each (the lock is
// as untrusted as isos.hcl) and checks the error names the value's line
// and leaves an empty lock, so nothing acts on it.
func TestParseIsStrict(t *testing.T) {
	rev := strings.Repeat("a", 40)
	url := `"https://github.com/NixOS/nixpkgs/archive/` + rev + `.tar.gz"`
	nar := `"sha256-` + strings.Repeat("B", 43) + `="`
	entry := func(attr, val string) string {
		attrs := map[string]string{"inputs_hash": `"h1:` + strings.Repeat("A", 43) + `="`, "format": `"iso"`,
			"artifact": `"out/a.iso"`, "sha256": `"` + strings.Repeat("0", 64) + `"`, "size": "1"}
		attrs[attr] = val
		var b strings.Builder
		b.WriteString("variant \"a\" {\n")
		for _, k := range []string{"inputs_hash", "format", "artifact", "sha256", "size"} {
			b.WriteString("  " + k + " = " + attrs[k] + "\n")
		}
		return b.String() + "}\n"
	}
	tests := []struct {
		name, src string
		line      int
		want      string
	}{
		{"rev with dot segments", "nixpkgs {\n  rev = \"../../../../other/nixpkgs/archive/x\"\n}\n", 2, "rev: "},
		{"url of another rev", "nixpkgs {\n  rev = \"" + rev + "\"\n  url = \"https://example.org/" + strings.Repeat("b", 40) + ".tar.gz\"\n  nar_hash = " + nar + "\n}\n", 3, "url: "},
		{"url with credentials", "nixpkgs {\n  rev = \"" + rev + "\"\n  url = \"https://u:p@example.org/" + rev + ".tar.gz\"\n  nar_hash = " + nar + "\n}\n", 3, "url: "},
		{"hex nar hash", "nixpkgs {\n  rev = \"" + rev + "\"\n  url = " + url + "\n  nar_hash = \"" + strings.Repeat("0", 64) + "\"\n}\n", 4, "nar_hash: "},
		{"absolute path", "nixpkgs {\n  path = \"/etc\"\n  nar_hash = " + nar + "\n}\n", 2, "path: "},
		{"path leaving", "nixpkgs {\n  path = \"../nixpkgs\"\n  nar_hash = " + nar + "\n}\n", 2, "path: "},
		{"artifact outside", entry("artifact", `"../x"`), 4, "artifact: "},
		{"artifact in a subdir", entry("artifact", `"out/sub/../../x.iso"`), 4, "artifact: "},
		{"artifact manifest", entry("artifact", `"out/manifest.json"`), 4, "artifact: "},
		{"negative size", entry("size", "-1"), 6, "size must be"},
		{"short sha256", entry("sha256", `"00"`), 5, "sha256: "},
		{"expression", entry("format", `upper("iso")`), 3, "literal"},
		{"control label", "variant \"a\\u001b[31m\" {}\n", 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, _, diags := lockfile.Parse([]byte(tt.src), "isos.lock.hcl")
			if !diags.HasErrors() {
				t.Fatalf("accepted:\n%s", tt.src)
			}
			if len(l.VariantNames()) != 0 {
				t.Errorf("a rejected lock still holds entries")
			}
			if _, ok := l.Pin(); ok {
				t.Errorf("a rejected lock still holds a pin")
			}
			d := diags[0]
			if d.Subject == nil || d.Subject.Start.Line != tt.line || !strings.Contains(d.Detail, tt.want) {
				t.Errorf("diagnostic %v at %v, want line %d and %q", d, d.Subject, tt.line, tt.want)
			}
			if !strings.Contains(d.Detail, "git checkout isos.lock.hcl") {
				t.Errorf("the diagnostic does not say how to recover: %s", d.Detail)
			}
		})
	}
}

// TestCorruptLockIsOneError: a truncated lockfile gets one diagnostic
// saying how to recover, not one per broken line.
func TestCorruptLockIsOneError(t *testing.T) {
	b := sampleLock(50, "a").Bytes()
	_, _, diags := lockfile.Parse(b[:len(b)/2], "isos.lock.hcl")
	if len(diags) != 1 || diags[0].Summary != "Corrupt lockfile" || diags[0].Subject == nil {
		t.Fatalf("want one Corrupt lockfile error with a range, got %d: %v", len(diags), diags)
	}
	if !strings.Contains(diags[0].Detail, "git checkout isos.lock.hcl") || !strings.Contains(diags[0].Detail, "isoforge apply") {
		t.Errorf("no recovery advice: %s", diags[0].Detail)
	}
}

func TestLocalPinNeedsNoLocation(t *testing.T) {
	src := "nixpkgs {\n  nar_hash = \"sha256-" + strings.Repeat("B", 43) + "=\"\n}\n"
	l, _, diags := lockfile.Parse([]byte(src), "isos.lock.hcl")
	p, ok := l.Pin()
	if diags.HasErrors() || !ok || !p.Local() || p.ID() != "path:sha256-"+strings.Repeat("B", 43)+"=" {
		t.Fatalf("%v %+v", diags, p)
	}
}

// TestCanonicalFastPathAgreesWithHCL: the lock Bytes writes is read
// without the HCL parser, to the same content; a hand-edited (still
// valid) lock goes through the HCL parser and reads the same too.
func TestCanonicalFastPathAgreesWithHCL(t *testing.T) {
	want := sampleLock(20, "c")
	src := want.Bytes()
	got, f, diags := lockfile.Parse(src, "isos.lock.hcl")
	if diags.HasErrors() || f != nil || !got.Equal(want) {
		t.Fatalf("fast path: %v, file %v, equal %v", diags, f != nil, got.Equal(want))
	}
	edited := strings.Replace(string(src), "  format      = ", "  format = ", 1)
	got, f, diags = lockfile.Parse([]byte(edited), "isos.lock.hcl")
	if diags.HasErrors() || f == nil || !got.Equal(want) {
		t.Fatalf("HCL path: %v, file %v, equal %v", diags, f != nil, got.Equal(want))
	}
}
