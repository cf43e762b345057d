package security_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// deep is ~60k nested brackets, 120 KB: the input that killed isoforge
// with a Go stack overflow (exit 2, a goroutine dump, 1.5 GB).
var deep = strings.Repeat("[", 60000) + strings.Repeat("]", 60000)

// Class "crash": hostile nesting in every input is a diagnostic, not a
// stack overflow; recursive templatefile is refused.
func TestDeepNestingIsADiagnostic(t *testing.T) {
	const list = header + "variable \"l\" {\n  type = list(any)\n  default = []\n}\nvariant \"a\" {}\n"
	for name, tc := range map[string]struct {
		files map[string]string
		args  []string
		stdin string
	}{
		"isos.hcl":        {files: map[string]string{"isos.hcl": header + "locals {\n  x = " + deep + "\n}\n"}, args: []string{"validate"}},
		"fmt":             {files: map[string]string{"isos.hcl": header + "locals {\n  x = " + deep + "\n}\n"}, args: []string{"fmt"}},
		"-var":            {files: map[string]string{"isos.hcl": list}, args: []string{"validate", "-var", "l=" + strings.Repeat("[", 30000) + strings.Repeat("]", 30000)}},
		"var file":        {files: map[string]string{"isos.hcl": list, "v.hcl": "l = " + deep + "\n"}, args: []string{"validate", "-var-file", "v.hcl"}},
		"json var file":   {files: map[string]string{"isos.hcl": list, "v.json": `{"l": ` + deep + "}"}, args: []string{"validate", "-var-file", "v.json"}},
		"template":        {files: map[string]string{"isos.hcl": header + "variant \"a\" {\n  nix = templatefile(\"t.tmpl\", {})\n}\n", "t.tmpl": "${" + deep + "}"}, args: []string{"validate"}},
		"conditionals":    {files: map[string]string{"isos.hcl": header + "locals {\n  x = " + strings.Repeat("true ? 1 : ", 30000) + "0\n}\n"}, args: []string{"validate"}},
		"unary operators": {files: map[string]string{"isos.hcl": header + "locals {\n  x = " + strings.Repeat("!", 100000) + "true\n}\n"}, args: []string{"validate"}},
		"lock":            {files: map[string]string{"isos.hcl": list, "isos.lock.hcl": "x = " + deep + "\n"}, args: []string{"plan"}},
		"fmt stdin":       {files: map[string]string{"isos.hcl": list}, args: []string{"fmt", "-"}, stdin: "x = " + deep + "\n"},
	} {
		t.Run(name, func(t *testing.T) {
			a := newArena(t, "")
			for n, body := range tc.files {
				a.write(filepath.Join(a.repo, n), body)
			}
			refused(t, a.runCmd(func(c *exec.Cmd) { c.Stdin = strings.NewReader(tc.stdin) }, tc.args...), "nested too deeply")
		})
	}
}

func TestRecursiveTemplatefileIsRefused(t *testing.T) {
	a := newArena(t, header+"variant \"a\" {\n  nix = templatefile(\"self.tmpl\", {})\n}\n")
	a.write(filepath.Join(a.repo, "self.tmpl"), `${templatefile("self.tmpl", {})}`)
	refused(t, a.run("validate"), "cannot call templatefile from inside a template")
}

// Oversized input is refused before it is parsed.
func TestOversizedInputIsRefused(t *testing.T) {
	a := newArena(t, header+"locals {\n  x = \""+strings.Repeat("a", 5<<20)+"\"\n}\n")
	refused(t, a.run("validate"), "larger than 4194304 bytes")
	b := newArena(t, header+"variable \"v\" {\n  type = string\n}\nvariant \"a\" {}\n")
	refused(t, b.run("validate", "-var", "v="+strings.Repeat("x", 100<<10)), "Variable value too large")
}
