package spec

import (
	"fmt"
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// AttributesMarkdown is the table of variant attributes that
// docs/isos-hcl.md shows, generated from Attributes so the docs cannot
// drift from decoding (a test compares them).
func AttributesMarkdown() string {
	var b strings.Builder
	b.WriteString("| attribute | type | sets | default | meaning |\n|---|---|---|---|---|\n")
	for _, a := range Attributes {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", a.Name, typeName(a.Type), a.Option, a.Default, a.Doc)
	}
	return b.String()
}

func typeName(t cty.Type) string {
	switch {
	case t == cty.String:
		return "string"
	case t.IsListType():
		return "list(" + typeName(t.ElementType()) + ")"
	case t.IsObjectType():
		names := make([]string, 0, len(t.AttributeTypes()))
		for _, n := range sortedKeys(t.AttributeTypes()) {
			if t.AttributeOptional(n) {
				n += "?"
			}
			names = append(names, n)
		}
		return "object(" + strings.Join(names, ", ") + ")"
	}
	return t.FriendlyName()
}

// FormatsMarkdown is the table of formats that docs/formats.md shows,
// generated from the formats table (a test compares them).
func FormatsMarkdown() string {
	var b strings.Builder
	b.WriteString("| format | nixpkgs attribute | since | KVM | artifact (hydra-build-products type) | sshd | EFI | disk_size | aliases | real build time |\n")
	b.WriteString("|---|---|---|---|---|---|---|---|---|---|\n")
	for _, name := range FormatNames() {
		f := formatTable[name]
		fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s | `NAME%s` (%s) | %s | %s | %s | %s | %s |\n",
			name, strings.TrimPrefix(f.Attribute, "config."), orDash(f.MinNixOS), yes(f.NeedsKVM), f.Ext, productText(f),
			yes(f.SSHD), efiText(f), yes(f.DiskSize), aliasText(f), f.BuildTime)
	}
	return b.String()
}

func orDash(s string) string {
	if s == "" {
		return "any"
	}
	return s
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func productText(f Format) string {
	if f.Product == "" {
		return "none: found as `" + f.ArtifactGlob + "`"
	}
	return "`" + f.Product + "`"
}

func efiText(f Format) string {
	s := yes(f.EFI)
	switch {
	case f.EFITwin != "":
		s += "; `efi` picks `" + f.EFITwin + "`"
	case f.ISO():
		s += "; `efi` sets makeEfiBootable"
	}
	return s
}

func aliasText(f Format) string {
	names := sortedKeys(f.Aliases)
	for i, n := range names {
		names[i] = "`" + n + "`"
	}
	return strings.Join(names, ", ")
}
