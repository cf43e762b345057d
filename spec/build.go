package spec

import (
	"github.com/hashicorp/hcl/v2"
)

// buildVariant turns merged fields into a Variant, through the
// Attributes table, and checks it.
func buildVariant(inst *instance, fields map[string]field, dir, channel string, memo *checkMemo) (Variant, hcl.Diagnostics) {
	v := Variant{
		Name:      inst.Name,
		Format:    DefaultFormat,
		System:    DefaultSystem,
		DeclRange: inst.Block.DefRange,
		Ranges:    make(map[string]hcl.Range, len(fields)),
	}
	for _, a := range Attributes {
		f, ok := fields[a.Name]
		if !ok || f.Val.IsNull() {
			continue
		}
		a.set(&v, f.Val)
		v.Ranges[a.Name] = f.Range
	}
	if _, ok := fields["file_name"]; !ok {
		v.FileName = v.Name + formatExt(v.Format)
	}
	c := checker{dir: dir, channel: channel, fields: fields, nameRange: inst.NameRange, memo: memo}
	diags := c.check(&v)
	return v, diags
}

func formatExt(name string) string {
	if f, ok := LookupFormat(name); ok {
		return f.Ext
	}
	return ".iso"
}
