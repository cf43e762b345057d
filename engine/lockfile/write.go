package lockfile

import (
	"bytes"
	"sort"
	"strconv"
	"strings"

	"github.com/isoforge/isoforge/engine/atomicfile"
)

const header = `# This file is maintained automatically by "isoforge apply" and "isoforge lock".
# Commit it next to isos.hcl. Manual edits may be lost.
`

// Bytes renders the lock in its canonical form: a header, the pin, then
// variants sorted by name, with no timestamps, so an unchanged lock is
// byte-for-byte unchanged. Per-input hashes are one per line, so a diff
// shows which input moved (as terraform's lock lists one hash per line).
// The text is already what `hclwrite.Format` produces; it is written by
// hand, and each entry's block is cached, because a fleet's lock is
// saved after every batch of builds (hclwrite took 1.5 s per save of a
// 10,000-variant lock).
func (l *Lock) Bytes() []byte {
	var b bytes.Buffer
	b.WriteString(header)
	if l.pin != nil {
		b.WriteString("\nnixpkgs {\n")
		writeAttrs(&b, "  ", pinAttrs(*l.pin))
		b.WriteString("}\n")
	}
	if l.builder != nil {
		b.WriteString("\nbuilder {\n")
		writeAttrs(&b, "  ", []attr{{"image", quote(l.builder.Image)}, {"id", quote(l.builder.ID)}})
		b.WriteString("}\n")
	}
	for _, name := range l.VariantNames() {
		t, ok := l.text[name]
		if !ok {
			t = entryText(name, l.variants[name])
			l.text[name] = t
		}
		b.WriteByte('\n')
		b.Write(t)
	}
	return b.Bytes()
}

type attr struct{ name, value string }

func pinAttrs(p Pin) []attr {
	var out []attr
	for _, a := range []attr{{"channel", p.Channel}, {"rev", p.Rev}, {"url", p.URL}, {"path", p.Path}, {"nar_hash", p.NarHash}} {
		if a.value != "" {
			out = append(out, attr{a.name, quote(a.value)})
		}
	}
	return out
}

func entryText(name string, e Entry) []byte {
	var b bytes.Buffer
	b.WriteString("variant " + quote(name) + " {\n")
	writeAttrs(&b, "  ", []attr{
		{"inputs_hash", quote(e.InputsHash)}, {"format", quote(e.Format)}, {"artifact", quote(e.Artifact)},
		{"sha256", quote(e.SHA256)}, {"size", strconv.FormatInt(e.Size, 10)},
	})
	if len(e.Inputs) > 0 {
		names := make([]string, 0, len(e.Inputs))
		for n := range e.Inputs {
			names = append(names, n)
		}
		sort.Strings(names)
		items := make([]attr, len(names))
		for i, n := range names {
			items[i] = attr{quote(n), quote(e.Inputs[n])}
		}
		b.WriteString("  inputs = {\n")
		writeAttrs(&b, "    ", items)
		b.WriteString("  }\n")
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// writeAttrs writes name = value lines with the equals signs aligned, as
// hclwrite.Format aligns a run of single-line attributes.
func writeAttrs(b *bytes.Buffer, indent string, attrs []attr) {
	width := 0
	for _, a := range attrs {
		width = max(width, len(a.name))
	}
	for _, a := range attrs {
		b.WriteString(indent)
		b.WriteString(a.name)
		b.WriteString(strings.Repeat(" ", width-len(a.name)))
		b.WriteString(" = ")
		b.WriteString(a.value)
		b.WriteByte('\n')
	}
}

// quote writes s as an HCL string literal: the JSON-style escapes, and
// "${" / "%{" doubled so that no value is read back as a template.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c == 0x7f:
			b.WriteString(`\u00`)
			b.WriteString(strconv.FormatInt(int64(c)>>4, 16))
			b.WriteString(strconv.FormatInt(int64(c)&0xf, 16))
		case (c == '$' || c == '%') && i+1 < len(s) && s[i+1] == '{':
			b.WriteByte(c)
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Save writes the lock atomically: readers and a crash at any moment see
// the old or the new file, whole.
func (l *Lock) Save(path string) error {
	return atomicfile.Write(path, l.Bytes(), 0o644)
}
