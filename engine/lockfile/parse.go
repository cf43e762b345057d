package lockfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/isoforge/isoforge/spec"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/gocty"
)

// MaxSize bounds the lockfile read: a 10,000-variant lock is ~6 MB.
const MaxSize = 64 << 20

// recovery is what every lock diagnostic tells the user to do.
const recovery = "The lockfile is generated: restore it with `git checkout " + FileName +
	"`, or delete it (or the entry) and run `isoforge apply` to rebuild."

// Load reads the lockfile at path; a missing file is an empty lock. The
// returned file holds the source for diagnostic snippets.
func Load(path string) (*Lock, *hcl.File, hcl.Diagnostics) {
	src, err := readLimited(path)
	if errors.Is(err, os.ErrNotExist) {
		return New(), nil, nil
	}
	if err != nil {
		return New(), nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot read lockfile", Detail: err.Error()}}
	}
	return Parse(src, filepath.Base(path))
}

func readLimited(path string) ([]byte, error) {
	st, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (a symlink or device); remove it: %s", path, recovery)
	}
	if st.Size() > MaxSize {
		return nil, fmt.Errorf("%s is larger than %d MiB: %s", path, MaxSize>>20, recovery)
	}
	return os.ReadFile(path)
}

// Parse decodes lockfile source. A file that is not valid HCL is one
// "Corrupt lockfile" error; a malformed value is an error at its range.
// On any error the returned lock is empty, so nothing acts on it.
func Parse(src []byte, filename string) (*Lock, *hcl.File, hcl.Diagnostics) {
	if l, ok := parseCanonical(src); ok {
		return l, nil, nil
	}
	return parseHCL(src, filename)
}

// parseHCL is Parse through the HCL parser, for any lockfile.
func parseHCL(src []byte, filename string) (*Lock, *hcl.File, hcl.Diagnostics) {
	// The lock is as untrusted as isos.hcl, and the HCL parser recurses
	// on every bracket: 60k of them overflowed Go's stack (a crash, not
	// a diagnostic). The canonical fast path does not recurse.
	if diags := spec.CheckInputBounds(src, filename, spec.SourceConfig, MaxSize); diags.HasErrors() {
		return New(), nil, hcl.Diagnostics{corrupt(diags[0])}
	}
	f, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return New(), f, hcl.Diagnostics{corrupt(diags[0])}
	}
	body := f.Body.(*hclsyntax.Body)
	l := New()
	diags = nil
	for _, a := range body.Attributes {
		diags = append(diags, invalid(a.NameRange, fmt.Sprintf("unexpected attribute %q at the top level", a.Name)))
	}
	var first map[string]hcl.Range
	for _, b := range body.Blocks {
		switch b.Type {
		case "nixpkgs":
			diags = append(diags, l.decodePin(b)...)
		case "builder":
			diags = append(diags, l.decodeBuilder(b)...)
		case "variant":
			if first == nil {
				first = map[string]hcl.Range{}
			}
			diags = append(diags, l.decodeVariant(b, first)...)
		default:
			diags = append(diags, invalid(b.TypeRange, fmt.Sprintf("unexpected block %q (only nixpkgs, builder and variant)", b.Type)))
		}
	}
	if diags.HasErrors() {
		return New(), f, diags
	}
	return l, f, nil
}

func corrupt(d *hcl.Diagnostic) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError, Summary: "Corrupt lockfile", Subject: d.Subject,
		Detail: fmt.Sprintf("%s is not valid HCL (%s: %s). %s", FileName, d.Summary, d.Detail, recovery),
	}
}

func invalid(r hcl.Range, what string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid lockfile", Subject: r.Ptr(),
		Detail: what + ". " + recovery}
}

func (l *Lock) decodePin(b *hclsyntax.Block) hcl.Diagnostics {
	if l.pin != nil {
		return hcl.Diagnostics{invalid(b.TypeRange, "a second nixpkgs block")}
	}
	var p Pin
	fields := map[string]*string{"channel": &p.Channel, "rev": &p.Rev, "url": &p.URL, "path": &p.Path, "nar_hash": &p.NarHash}
	diags := labels(b, 0)
	for name, a := range b.Body.Attributes {
		dst, ok := fields[name]
		if !ok {
			diags = append(diags, invalid(a.NameRange, fmt.Sprintf("unexpected attribute %q in nixpkgs", name)))
			continue
		}
		diags = append(diags, decodeString(a, dst)...)
	}
	diags = append(diags, noBlocks(b)...)
	if diags.HasErrors() {
		return diags
	}
	diags = append(diags, problems(b, checkPin(p))...)
	l.pin = &p
	return diags
}

func (l *Lock) decodeBuilder(b *hclsyntax.Block) hcl.Diagnostics {
	if l.builder != nil {
		return hcl.Diagnostics{invalid(b.TypeRange, "a second builder block")}
	}
	var bl Builder
	fields := map[string]*string{"image": &bl.Image, "id": &bl.ID}
	diags := labels(b, 0)
	for name, a := range b.Body.Attributes {
		dst, ok := fields[name]
		if !ok {
			diags = append(diags, invalid(a.NameRange, fmt.Sprintf("unexpected attribute %q in builder", name)))
			continue
		}
		diags = append(diags, decodeString(a, dst)...)
	}
	diags = append(diags, noBlocks(b)...)
	if diags.HasErrors() {
		return diags
	}
	diags = append(diags, problems(b, checkBuilder(bl))...)
	l.builder = &bl
	return diags
}

func (l *Lock) decodeVariant(b *hclsyntax.Block, first map[string]hcl.Range) hcl.Diagnostics {
	diags := labels(b, 1)
	if diags.HasErrors() {
		return diags
	}
	name := b.Labels[0]
	if r, dup := first[name]; dup {
		return hcl.Diagnostics{invalid(b.LabelRanges[0], fmt.Sprintf("variant %q appears twice (first at %s)", name, r))}
	}
	first[name] = b.LabelRanges[0]
	var e Entry
	fields := map[string]*string{"inputs_hash": &e.InputsHash, "format": &e.Format, "artifact": &e.Artifact, "sha256": &e.SHA256}
	for _, req := range []string{"inputs_hash", "format", "artifact", "sha256", "size"} {
		if _, ok := b.Body.Attributes[req]; !ok {
			diags = append(diags, invalid(b.LabelRanges[0], fmt.Sprintf("variant %q has no %s", name, req)))
		}
	}
	for n, a := range b.Body.Attributes {
		switch dst, ok := fields[n]; {
		case ok:
			diags = append(diags, decodeString(a, dst)...)
		case n == "size":
			diags = append(diags, decodeSize(a, &e.Size)...)
		case n == "inputs":
			diags = append(diags, decodeInputs(a, &e.Inputs)...)
		default:
			diags = append(diags, invalid(a.NameRange, fmt.Sprintf("unexpected attribute %q in variant %q", n, name)))
		}
	}
	diags = append(diags, noBlocks(b)...)
	if diags.HasErrors() {
		return diags
	}
	if ps := checkEntry(name, e); len(ps) > 0 {
		return problems(b, ps)
	}
	l.SetVariant(name, e)
	return nil
}

func labels(b *hclsyntax.Block, n int) hcl.Diagnostics {
	if len(b.Labels) == n {
		return nil
	}
	return hcl.Diagnostics{invalid(b.TypeRange, fmt.Sprintf("a %s block takes %d label(s)", b.Type, n))}
}

func noBlocks(b *hclsyntax.Block) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, nb := range b.Body.Blocks {
		diags = append(diags, invalid(nb.TypeRange, fmt.Sprintf("unexpected block %q inside %s", nb.Type, b.Type)))
	}
	return diags
}

// problems turns value problems into diagnostics at each value.
func problems(b *hclsyntax.Block, ps []problem) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, p := range ps {
		r := b.TypeRange
		if a, ok := b.Body.Attributes[p.attr]; ok {
			r = a.Expr.Range()
		} else if p.attr == "name" && len(b.LabelRanges) > 0 {
			r = b.LabelRanges[0]
		}
		diags = append(diags, invalid(r, p.attr+": "+p.msg))
	}
	return diags
}

// literal evaluates an attribute with no variables or functions: a
// lockfile holds values, never expressions.
func literal(a *hclsyntax.Attribute) (cty.Value, hcl.Diagnostics) {
	v, diags := a.Expr.Value(nil)
	if diags.HasErrors() {
		return cty.NilVal, hcl.Diagnostics{invalid(a.Expr.Range(), fmt.Sprintf("%s must be a literal value", a.Name))}
	}
	return v, nil
}

func decodeString(a *hclsyntax.Attribute, dst *string) hcl.Diagnostics {
	v, diags := literal(a)
	if diags != nil {
		return diags
	}
	if v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return hcl.Diagnostics{invalid(a.Expr.Range(), fmt.Sprintf("%s must be a string", a.Name))}
	}
	*dst = v.AsString()
	return nil
}

func decodeSize(a *hclsyntax.Attribute, dst *int64) hcl.Diagnostics {
	v, diags := literal(a)
	if diags != nil {
		return diags
	}
	if v.IsNull() || v.Type() != cty.Number || gocty.FromCtyValue(v, dst) != nil || *dst < 0 {
		return hcl.Diagnostics{invalid(a.Expr.Range(), "size must be a whole number of bytes, at least 0")}
	}
	return nil
}

func decodeInputs(a *hclsyntax.Attribute, dst *map[string]string) hcl.Diagnostics {
	v, diags := literal(a)
	if diags != nil {
		return diags
	}
	if v.IsNull() || !v.Type().IsObjectType() {
		return hcl.Diagnostics{invalid(a.Expr.Range(), "inputs must be an object of input names to hashes")}
	}
	m := make(map[string]string, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		k, ev := it.Element()
		if ev.IsNull() || ev.Type() != cty.String {
			return hcl.Diagnostics{invalid(a.Expr.Range(), fmt.Sprintf("input %q must be a string", k.AsString()))}
		}
		m[k.AsString()] = ev.AsString()
	}
	*dst = m
	return nil
}
