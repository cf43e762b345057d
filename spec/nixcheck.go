package spec

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/isoforge/isoforge/spec/nixsyntax"
)

// nixChecker parses Nix offline, in-process: every variant's nix body and
// every module file, with the .nix files they reach by literal path. A
// syntax error is a diagnostic at its line and column in isos.hcl or in
// the module file, before any container starts. Each distinct body and
// file is parsed once.
type nixChecker struct {
	dir    string
	bodies map[string]*nixsyntax.SyntaxError // by body and where it was written
	files  map[string]bool
	add    func(name string, src []byte)
	diags  hcl.Diagnostics
}

func newNixChecker(dir string, add func(string, []byte)) *nixChecker {
	return &nixChecker{dir: dir, bodies: map[string]*nixsyntax.SyntaxError{}, files: map[string]bool{}, add: add}
}

// bodyPrefix wraps a body the way the renderer does: a module function
// with src in scope, so that references to config, lib, pkgs,
// modulesPath and src are defined (Nix's parser rejects undefined
// variables), and the body starts on line 2.
const bodyPrefix = "let src = null; in { config, lib, pkgs, modulesPath, ... }: {\n"

func (c *nixChecker) checkVariant(v *Variant) {
	if strings.TrimSpace(v.Nix) != "" {
		c.checkBody(v)
	}
	for _, m := range v.Modules {
		c.checkFile(m)
	}
}

// checkBody parses a variant's nix body. A body written once (in
// defaults or a parent) and used by many variants is parsed and reported
// once.
func (c *nixChecker) checkBody(v *Variant) {
	key := v.Nix + "\x00" + v.NixSource.Expr.String()
	if _, seen := c.bodies[key]; seen {
		return
	}
	_, err := nixsyntax.Parse("nix", []byte(bodyPrefix+v.Nix+"\n}"))
	serr := syntaxError(err)
	c.bodies[key] = serr
	if serr == nil {
		return
	}
	line, col := serr.Pos.Line-1, serr.Pos.Column
	if n := strings.Count(v.Nix, "\n") + 1; line > n {
		line, col = n, len(lastLine(v.Nix))+1
	}
	if line < 1 {
		line, col = 1, 1
	}
	rng := v.NixSource.Range(line, col)
	c.diags = append(c.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError, Summary: "Nix syntax error in the nix attribute", Subject: &rng,
		Detail: fmt.Sprintf("%s:%d:%d: %s (variant %q). The nix attribute holds NixOS option definitions such as `services.openssh.enable = true;`, with config, lib, pkgs, modulesPath and src in scope.",
			v.NixSource.File, rng.Start.Line, rng.Start.Column, capitalize(serr.Msg), v.Name),
	})
}

// checkFile parses a module (a file, or a directory's default.nix) and
// follows the .nix files it reaches by literal relative path.
func (c *nixChecker) checkFile(rel string) {
	rel = path.Clean(rel)
	if st, err := os.Lstat(filepath.Join(c.dir, filepath.FromSlash(rel))); err == nil && st.IsDir() {
		rel = path.Join(rel, "default.nix")
	}
	if c.files[rel] || escapes(rel) {
		return
	}
	c.files[rel] = true
	src, err := readConfined(c.dir, rel, MaxFileBytes)
	if err != nil {
		return // missing modules are reported by checkModules, unreadable ones by the fingerprint
	}
	name := filepath.Join(c.dir, filepath.FromSlash(rel))
	f, err := nixsyntax.Parse(name, src)
	if serr := syntaxError(err); serr != nil {
		c.add(name, src)
		p := hcl.Pos{Line: serr.Pos.Line, Column: serr.Pos.Column, Byte: serr.Pos.Offset}
		end := hcl.Pos{Line: p.Line, Column: p.Column + 1, Byte: p.Byte + 1}
		c.diags = append(c.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError, Summary: "Nix syntax error in a module", Subject: &hcl.Range{Filename: name, Start: p, End: end},
			Detail: fmt.Sprintf("%s:%d:%d: %s; Nix would reject the module when it builds.", rel, p.Line, p.Column, capitalize(serr.Msg)),
		})
		return
	}
	for _, p := range reachedNixFiles(f, path.Dir(rel)) {
		c.checkFile(p)
	}
}

// reachedNixFiles lists the .nix files (and directories, for their
// default.nix) a file names by literal relative path.
func reachedNixFiles(f *nixsyntax.File, base string) []string {
	var out []string
	nixsyntax.Walk(f.Root, func(n nixsyntax.Node) bool {
		p, ok := n.(*nixsyntax.Path)
		if !ok || p.Kind != nixsyntax.PathRelative || p.Dynamic {
			return true
		}
		target := path.Join(base, p.Text)
		if strings.HasSuffix(target, ".nix") || !strings.Contains(path.Base(target), ".") {
			out = append(out, target)
		}
		return true
	})
	return out
}

func syntaxError(err error) *nixsyntax.SyntaxError {
	var serr *nixsyntax.SyntaxError
	if errors.As(err, &serr) {
		return serr
	}
	if err != nil {
		return &nixsyntax.SyntaxError{Msg: err.Error()}
	}
	return nil
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func lastLine(s string) string {
	return s[strings.LastIndex(s, "\n")+1:]
}
