package spec

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/hashicorp/hcl/v2"
	"github.com/isoforge/isoforge/spec/nixsyntax"
)

// A variant's inputs are every file its Nix reaches, found in the syntax
// tree rather than by a pattern over the text: a path literal in any
// position (./x, "${./x}", builtins.readFile ./x, import ./dir, a path
// bound in a let), followed through every .nix file reached; a directory
// is hashed whole. In the nix body, (src + "/x") and "${src}/x" name a
// file of the configuration. What cannot be followed (a path built at
// evaluation time: ./. + "/x", "${./.}/${name}", src + name) gets a
// warning asking for extra_inputs.

// ref is one path a source names, relative to the configuration directory.
type ref struct {
	path string
	// module is set for the variant's modules attribute: a directory
	// module means its default.nix.
	module bool
}

// closure follows refs through every .nix file reached and returns the
// regular files, sorted.
func (c *nixChecker) closure(refs []ref, seen map[string]bool) []string {
	var out []string
	for len(refs) > 0 {
		r := refs[0]
		refs = refs[1:]
		if seen[r.path] || escapes(r.path) {
			continue
		}
		seen[r.path] = true
		if c.isDir(r.path) {
			if !r.module {
				out = append(out, c.tree(r.path)...)
			}
			refs = append(refs, ref{path: path.Join(r.path, "default.nix")})
			continue
		}
		if !c.isRegular(r.path) {
			continue // missing: checkModules or the build says so
		}
		out = append(out, r.path)
		if strings.HasSuffix(r.path, ".nix") {
			refs = append(refs, c.parseFile(r.path).refs...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// isRegular reports, once per load and path, whether rel is a regular
// file inside the configuration: fleets share modules across hundreds of
// variants, and each check opens an os.Root.
func (c *nixChecker) isRegular(rel string) bool {
	ok, seen := c.regular[rel]
	if !seen {
		ok, _ = statConfined(c.dir, rel)
		c.regular[rel] = ok
	}
	return ok
}

// tree lists a directory's regular files, once per load. Symlinks are
// not followed: a link is no input of its own.
func (c *nixChecker) tree(rel string) []string {
	if files, ok := c.trees[rel]; ok {
		return files
	}
	var files []string
	root := filepath.Join(c.dir, filepath.FromSlash(rel))
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.Type().IsRegular() {
			r, _ := filepath.Rel(c.dir, p)
			files = append(files, filepath.ToSlash(r))
		}
		return nil
	})
	c.trees[rel] = files
	return files
}

// fileRefs lists what a module file names by literal relative path.
func fileRefs(f *nixsyntax.File, rel, name string) ([]ref, hcl.Diagnostics) {
	base := path.Dir(rel)
	var refs []ref
	var diags hcl.Diagnostics
	at := func(p nixsyntax.Pos) *hcl.Range {
		pos := hcl.Pos{Line: p.Line, Column: p.Column, Byte: p.Offset}
		return &hcl.Range{Filename: name, Start: pos, End: hcl.Pos{Line: pos.Line, Column: pos.Column + 1, Byte: pos.Byte + 1}}
	}
	nixsyntax.Walk(f.Root, func(n nixsyntax.Node) bool {
		if b, ok := n.(*nixsyntax.Binary); ok && b.Op == nixsyntax.OpAdd && isPath(b.X) {
			diags = append(diags, dynamicPath(at(b.Pos()), rel, "a path built at evaluation time"))
			return false
		}
		p, ok := n.(*nixsyntax.Path)
		if !ok || p.Kind != nixsyntax.PathRelative {
			return true
		}
		target := cleanRel(base, p.Text)
		switch {
		case p.Dynamic:
			diags = append(diags, dynamicPath(at(p.Pos()), rel, "an interpolated path ("+p.Text+")"))
		case escapes(target):
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: "Module reaches outside the configuration", Subject: at(p.Pos()),
				Detail: fmt.Sprintf("%s names %s, which leaves the directory of isos.hcl. Builds only see that directory (mounted read-only): move the file inside it.", rel, p.Text),
			})
		case target == ".":
			diags = append(diags, dynamicPath(at(p.Pos()), rel, "the whole configuration directory ("+p.Text+"), which holds isos.lock.hcl and the artifacts"))
		default:
			refs = append(refs, ref{path: target})
		}
		return true
	})
	return refs, diags
}

func isPath(n nixsyntax.Node) bool {
	for {
		p, ok := n.(*nixsyntax.Paren)
		if !ok {
			break
		}
		n = p.X
	}
	_, ok := n.(*nixsyntax.Path)
	return ok
}

func dynamicPath(rng *hcl.Range, where, what string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagWarning, Summary: "Input isoforge cannot follow", Subject: rng,
		Detail: fmt.Sprintf("%s uses %s: isoforge cannot tell which files it reads, so editing them would not rebuild the variants that use it. List those files in the variant's extra_inputs (globs such as \"files/**\"), which are hashed too.", where, what),
	}
}

// bodyRefs lists what a nix body names: (src + "/x") and "${src}/x".
// A relative path literal there resolves against the rendered module in
// the builder, not against isos.hcl's directory: that is a warning.
func bodyRefs(f *nixsyntax.File, v *Variant) ([]ref, hcl.Diagnostics) {
	var refs []ref
	var diags hcl.Diagnostics
	at := func(p nixsyntax.Pos) *hcl.Range {
		r := v.NixSource.Range(p.Line-1, p.Column)
		return &r
	}
	where := fmt.Sprintf("The nix attribute of variant %q", v.Name)
	nixsyntax.Walk(f.Root, func(n nixsyntax.Node) bool {
		switch n := n.(type) {
		case *nixsyntax.Binary:
			if rel, ok := srcPlus(n); ok {
				refs = append(refs, bodyRef(rel, at(n.Pos()), where, &diags)...)
				return false
			}
		case *nixsyntax.String:
			if rel, ok := srcInterpolated(n); ok {
				refs = append(refs, bodyRef(rel, at(n.Pos()), where, &diags)...)
				return false
			}
		case *nixsyntax.Var:
			if n.Name == "src" {
				diags = append(diags, dynamicPath(at(n.Pos()), where, "src in an expression other than (src + \"/file\")"))
			}
		case *nixsyntax.Path:
			if n.Kind == nixsyntax.PathRelative && n.Pos().Line > 1 {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagWarning, Summary: "Relative path in the nix attribute", Subject: at(n.Pos()),
					Detail: fmt.Sprintf("%s names %s, which Nix resolves against the rendered module in the builder, not the directory of isos.hcl. Write (src + %q) to use a file of the configuration.",
						where, n.Text, "/"+strings.TrimPrefix(path.Clean(n.Text), "./")),
				})
			}
		}
		return true
	})
	return refs, diags
}

func bodyRef(rel string, rng *hcl.Range, where string, diags *hcl.Diagnostics) []ref {
	clean := path.Clean(strings.TrimPrefix(rel, "/"))
	if escapes(clean) || clean == "." || !strings.HasPrefix(rel, "/") {
		*diags = append(*diags, dynamicPath(rng, where, "src + \""+rel+"\", which does not name a file below src"))
		return nil
	}
	return []ref{{path: clean}}
}

// srcPlus matches src + "/literal".
func srcPlus(b *nixsyntax.Binary) (string, bool) {
	x, ok := b.X.(*nixsyntax.Var)
	if b.Op != nixsyntax.OpAdd || !ok || x.Name != "src" {
		return "", false
	}
	s, ok := b.Y.(*nixsyntax.String)
	if !ok || len(s.Parts) != 1 {
		return "", false
	}
	t, ok := s.Parts[0].(*nixsyntax.Text)
	return textValue(t, ok)
}

// srcInterpolated matches "${src}/literal".
func srcInterpolated(s *nixsyntax.String) (string, bool) {
	if len(s.Parts) != 2 {
		return "", false
	}
	i, ok := s.Parts[0].(*nixsyntax.Interpolation)
	if !ok {
		return "", false
	}
	if v, ok := i.X.(*nixsyntax.Var); !ok || v.Name != "src" {
		return "", false
	}
	t, ok := s.Parts[1].(*nixsyntax.Text)
	return textValue(t, ok)
}

func textValue(t *nixsyntax.Text, ok bool) (string, bool) {
	if !ok {
		return "", false
	}
	return t.Value, true
}

// isInputSkipped leaves out of extra_inputs what isoforge itself writes or
// what is no build input.
func (c *nixChecker) isInputSkipped(rel string) bool {
	top := strings.SplitN(rel, "/", 2)[0]
	return top == ".git" || top == ".isoforge" || top == c.outDir || rel == "isos.lock.hcl"
}

// extraInputs expands the extra_inputs globs (doublestar syntax, as
// go-task's sources: "files/**", "keys/*.pub") to regular files of the
// configuration, without following symlinks.
func (c *nixChecker) extraInputs(v *Variant, rng *hcl.Range) []ref {
	var refs []ref
	fsys := os.DirFS(c.dir)
	for _, g := range v.ExtraInputs {
		clean := path.Clean(g)
		if path.IsAbs(g) || escapes(clean) || !doublestar.ValidatePattern(clean) {
			c.diags = append(c.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: "Invalid extra_inputs pattern", Subject: rng,
				Detail: fmt.Sprintf("%q must be a glob relative to the directory of isos.hcl and inside it, such as \"files/**\".", g),
			})
			continue
		}
		matches, _ := doublestar.Glob(fsys, clean, doublestar.WithFilesOnly(), doublestar.WithNoFollow())
		n := 0
		for _, m := range matches {
			if !c.isInputSkipped(m) {
				refs = append(refs, ref{path: m})
				n++
			}
		}
		if n == 0 {
			c.diags = append(c.diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning, Summary: "extra_inputs pattern matches no file", Subject: rng,
				Detail: fmt.Sprintf("%q (variant %q) matches no file of the configuration.", g, v.Name),
			})
		}
	}
	return refs
}
