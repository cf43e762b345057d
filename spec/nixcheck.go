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
// every module file, with the files they reach by literal path. A syntax
// error is a diagnostic at its line and column in isos.hcl or in the
// module file, before any container starts. What each source reaches
// becomes the variant's Inputs (see reach.go). Each distinct body and file
// is parsed once.
type nixChecker struct {
	dir     string
	outDir  string
	bodies  map[string]bodyInfo // by body and where it was written
	files   map[string]*fileInfo
	trees   map[string][]string // directory -> its regular files
	regular map[string]bool     // path -> a regular file inside
	add     func(name string, src []byte)
	parses  *bodyParses
	diags   hcl.Diagnostics
}

// bodyInfo is what a nix body reaches (nothing when it does not parse).
type bodyInfo struct {
	refs []ref
}

// fileInfo is what one module file reaches directly.
type fileInfo struct {
	refs []ref
}

func newNixChecker(dir, outDir string, add func(string, []byte)) *nixChecker {
	return &nixChecker{dir: dir, outDir: outDir, bodies: map[string]bodyInfo{}, files: map[string]*fileInfo{},
		trees: map[string][]string{}, regular: map[string]bool{}, add: add, parses: newBodyParses()}
}

// prefetch starts parsing a variant's nix body in the background, for
// checkVariant to use later.
func (c *nixChecker) prefetch(v *Variant) {
	if strings.TrimSpace(v.Nix) != "" {
		c.parses.start(v.Nix)
	}
}

// bodyPrefix wraps a body the way the renderer does: a module function
// with src in scope, so that references to config, lib, pkgs,
// modulesPath and src are defined (Nix's parser rejects undefined
// variables), and the body starts on line 2.
const bodyPrefix = "let src = null; in { config, lib, pkgs, modulesPath, ... }: {\n"

// checkVariant parses what the variant uses and records the files it
// reaches in v.Inputs.
func (c *nixChecker) checkVariant(v *Variant) {
	seen := map[string]bool{}
	var refs []ref
	if strings.TrimSpace(v.Nix) != "" {
		refs = append(refs, c.checkBody(v)...)
	}
	for _, m := range v.Modules {
		refs = append(refs, ref{path: m, module: true})
	}
	if len(v.ExtraInputs) > 0 {
		rng := v.Ranges["extra_inputs"]
		refs = append(refs, c.extraInputs(v, &rng)...)
	}
	v.Inputs = c.closure(refs, seen)
}

func (c *nixChecker) checkBody(v *Variant) []ref {
	key := v.Nix + "\x00" + v.NixSource.Expr.String()
	if info, seen := c.bodies[key]; seen {
		return info.refs
	}
	f, err := c.parses.result(v.Nix)
	serr := syntaxError(err)
	if serr == nil {
		refs, diags := bodyRefs(f, v)
		c.diags = append(c.diags, diags...)
		c.bodies[key] = bodyInfo{refs: refs}
		return refs
	}
	c.bodies[key] = bodyInfo{}
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
	return nil
}

// parseFile parses a module file once and returns what it reaches; nil
// when it cannot be read (checkModules reports missing modules, and the
// build reports what Nix cannot read) or does not parse.
func (c *nixChecker) parseFile(rel string) *fileInfo {
	if info, ok := c.files[rel]; ok {
		return info
	}
	info := &fileInfo{}
	c.files[rel] = info
	src, err := ReadConfined(c.dir, rel, MaxFileBytes)
	if err != nil {
		return info
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
		return info
	}
	refs, diags := fileRefs(f, rel, name)
	if len(diags) > 0 {
		c.add(name, src)
	}
	c.diags = append(c.diags, diags...)
	info.refs = refs
	return info
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

// isDir reports whether rel is a directory inside the configuration,
// without following a symlink.
func (c *nixChecker) isDir(rel string) bool {
	st, err := os.Lstat(filepath.Join(c.dir, filepath.FromSlash(rel)))
	return err == nil && st.IsDir()
}

// cleanRel joins a path literal to the directory of the file naming it.
func cleanRel(base, text string) string {
	return path.Clean(path.Join(base, text))
}
