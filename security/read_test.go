package security_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// Class "read": the file functions, config files and symlinks cannot read
// outside the configuration directory, and what they tried to read never
// appears in a diagnostic.
func TestReadOutsideTheConfiguration(t *testing.T) {
	for name, tc := range map[string]struct {
		expr  string
		setup func(a *arena)
		want  string
	}{
		"absolute path":        {expr: `file("ABS/secret.txt")`, want: "absolute paths are refused"},
		"dot-dot":              {expr: `file("../outside/secret.txt")`, want: "outside the configuration directory"},
		"templatefile dot-dot": {expr: `templatefile("../outside/secret.txt", {})`, want: "outside the configuration directory"},
		"filebase64 symlink": {
			expr:  `filebase64("link.txt")`,
			setup: func(a *arena) { os.Symlink("../outside/secret.txt", filepath.Join(a.repo, "link.txt")) },
			want:  "outside the configuration directory",
		},
		"symlinked directory": {
			expr:  `file("d/secret.txt")`,
			setup: func(a *arena) { os.Symlink(a.outside, filepath.Join(a.repo, "d")) },
			want:  "outside the configuration directory",
		},
		"fileexists probe": {expr: `fileexists("../outside/secret.txt") ? "a" : "b"`, want: "outside the configuration directory"},
		"environment":      {expr: `file("/proc/self/environ")`, want: "absolute paths are refused"},
	} {
		t.Run(name, func(t *testing.T) {
			a := newArena(t, "")
			expr := replaceABS(tc.expr, a.outside)
			a.write(filepath.Join(a.repo, "isos.hcl"), header+"variant \"a\" {\n  nix = "+expr+"\n}\n")
			if tc.setup != nil {
				tc.setup(a)
			}
			refused(t, a.run("validate"), tc.want)
		})
	}
}

// A *.isos.hcl committed as a symlink to a file outside is not read: its
// content would otherwise be parsed and quoted in snippets.
func TestSymlinkedConfigFileIsRefused(t *testing.T) {
	a := newArena(t, header+`variant "a" {}`+"\n")
	if err := os.Symlink("../outside/secret.txt", filepath.Join(a.repo, "x.isos.hcl")); err != nil {
		t.Fatal(err)
	}
	refused(t, a.run("validate"), "outside the configuration directory")
}

// Class "hang": a FIFO or a link to /dev/zero read by a file function is
// refused at once instead of blocking or filling memory.
func TestSpecialFilesDoNotHang(t *testing.T) {
	for name, tc := range map[string]struct {
		setup func(a *arena) error
		want  string
	}{
		"fifo":      {func(a *arena) error { return syscall.Mkfifo(filepath.Join(a.repo, "f"), 0o644) }, "not a regular file"},
		"dev zero":  {func(a *arena) error { return os.Symlink("/dev/zero", filepath.Join(a.repo, "f")) }, "outside the configuration directory"},
		"directory": {func(a *arena) error { return os.Mkdir(filepath.Join(a.repo, "f"), 0o755) }, "not a regular file"},
	} {
		t.Run(name, func(t *testing.T) {
			a := newArena(t, header+"variant \"a\" {\n  nix = filebase64(\"f\")\n}\n")
			if err := tc.setup(a); err != nil {
				t.Fatal(err)
			}
			refused(t, a.run("validate"), tc.want)
		})
	}
}

func replaceABS(s, dir string) string {
	out := []byte{}
	for i := 0; i < len(s); i++ {
		if i+3 <= len(s) && s[i:i+3] == "ABS" {
			out = append(out, dir...)
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return string(out)
}
