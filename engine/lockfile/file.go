package lockfile

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/isoforge/isoforge/engine/atomicfile"
	"github.com/zclconf/go-cty/cty"
)

const header = `# This file is maintained automatically by "isoforge apply" and "isoforge lock".
# Commit it next to isos.hcl. Manual edits may be lost.
`

type fileModel struct {
	Nixpkgs  *pinModel      `hcl:"nixpkgs,block"`
	Variants []variantModel `hcl:"variant,block"`
}

type pinModel struct {
	Channel  *string `hcl:"channel"`
	Rev      *string `hcl:"rev"`
	Path     *string `hcl:"path"`
	PathHash *string `hcl:"path_hash"`
}

type variantModel struct {
	Name       string `hcl:"name,label"`
	InputsHash string `hcl:"inputs_hash"`
	Format     string `hcl:"format"`
	Artifact   string `hcl:"artifact"`
	SHA256     string `hcl:"sha256"`
	Size       int64  `hcl:"size"`
	Inputs     string `hcl:"inputs,optional"`
}

var (
	h1Re  = regexp.MustCompile(`^h1:[A-Za-z0-9+/]{43}=$`)
	hexRe = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// Load reads the lockfile at path; a missing file is an empty lock.
func Load(path string) (*Lock, hcl.Diagnostics) {
	src, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return New(), nil
	}
	if err != nil {
		return New(), hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot read lockfile", Detail: err.Error()}}
	}
	return Parse(src, path)
}

// Parse decodes lockfile source, rejecting malformed values.
func Parse(src []byte, filename string) (*Lock, hcl.Diagnostics) {
	f, diags := hclparse.NewParser().ParseHCL(src, filename)
	if diags.HasErrors() {
		return New(), diags
	}
	var m fileModel
	diags = append(diags, gohcl.DecodeBody(f.Body, nil, &m)...)
	if diags.HasErrors() {
		return New(), diags
	}
	l := New()
	if m.Nixpkgs != nil {
		l.SetPin(Pin{Channel: deref(m.Nixpkgs.Channel), Rev: deref(m.Nixpkgs.Rev), Path: deref(m.Nixpkgs.Path), PathHash: deref(m.Nixpkgs.PathHash)})
	}
	for _, v := range m.Variants {
		if _, dup := l.variants[v.Name]; dup {
			diags = append(diags, badLock(filename, fmt.Sprintf("variant %q appears twice", v.Name)))
			continue
		}
		if !h1Re.MatchString(v.InputsHash) || !hexRe.MatchString(v.SHA256) || v.Size < 0 {
			diags = append(diags, badLock(filename, fmt.Sprintf("variant %q has a malformed inputs_hash, sha256 or size", v.Name)))
			continue
		}
		inputs, ok := parseInputs(v.Inputs)
		if !ok {
			diags = append(diags, badLock(filename, fmt.Sprintf("variant %q has malformed inputs", v.Name)))
			continue
		}
		l.SetVariant(v.Name, Entry{InputsHash: v.InputsHash, Format: v.Format, Artifact: v.Artifact, SHA256: v.SHA256, Size: v.Size, Inputs: inputs})
	}
	return l, diags
}

func badLock(filename, what string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError, Summary: "Invalid lockfile",
		Detail: fmt.Sprintf("%s: %s. Delete the entry (or the file) and run isoforge apply to rebuild it.", filename, what),
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Bytes renders the lock in its canonical form: a header, the pin, then
// variants sorted by name, with no timestamps, so an unchanged lock is
// byte-for-byte unchanged.
func (l *Lock) Bytes() []byte {
	f := hclwrite.NewEmptyFile()
	body := f.Body()
	if l.pin != nil {
		pb := body.AppendNewBlock("nixpkgs", nil).Body()
		setIf(pb, "channel", l.pin.Channel)
		setIf(pb, "rev", l.pin.Rev)
		setIf(pb, "path", l.pin.Path)
		setIf(pb, "path_hash", l.pin.PathHash)
	}
	for _, name := range l.VariantNames() {
		e := l.variants[name]
		body.AppendNewline()
		vb := body.AppendNewBlock("variant", []string{name}).Body()
		vb.SetAttributeValue("inputs_hash", cty.StringVal(e.InputsHash))
		vb.SetAttributeValue("format", cty.StringVal(e.Format))
		vb.SetAttributeValue("artifact", cty.StringVal(e.Artifact))
		vb.SetAttributeValue("sha256", cty.StringVal(e.SHA256))
		vb.SetAttributeValue("size", cty.NumberIntVal(e.Size))
		if len(e.Inputs) > 0 {
			vb.SetAttributeValue("inputs", cty.StringVal(formatInputs(e.Inputs)))
		}
	}
	return append([]byte(header+"\n"), hclwrite.Format(f.Bytes())...)
}

// formatInputs writes per-input hashes as one string of sorted
// "name:hash" pairs, names path-escaped. One string rather than an HCL map keeps the lockfile
// several times faster to parse, which every plan does.
func formatInputs(m map[string]string) string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = url.PathEscape(n) + ":" + m[n]
	}
	return strings.Join(parts, " ")
}

func parseInputs(s string) (map[string]string, bool) {
	m := map[string]string{}
	for _, f := range strings.Fields(s) {
		i := strings.LastIndexByte(f, ':')
		if i <= 0 || i == len(f)-1 {
			return nil, false
		}
		name, err := url.PathUnescape(f[:i])
		if err != nil {
			return nil, false
		}
		m[name] = f[i+1:]
	}
	return m, true
}

func setIf(b *hclwrite.Body, name, val string) {
	if val != "" {
		b.SetAttributeValue(name, cty.StringVal(val))
	}
}

// Save writes the lock atomically: readers and a crash at any moment see
// the old or the new file, whole.
func (l *Lock) Save(path string) error {
	return atomicfile.Write(path, l.Bytes(), 0o644)
}
