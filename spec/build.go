package spec

import (
	"github.com/hashicorp/hcl/v2"
)

// buildVariant turns merged fields into a Variant and checks it.
func buildVariant(inst *instance, fields map[string]field, dir, channel string, memo *checkMemo) (Variant, hcl.Diagnostics) {
	str := func(name, def string) string {
		if f, ok := fields[name]; ok {
			return f.Val.AsString()
		}
		return def
	}
	list := func(name string) []string {
		if f, ok := fields[name]; ok {
			return stringList(f.Val)
		}
		return nil
	}
	v := Variant{
		Name:         inst.Name,
		Format:       str("format", DefaultFormat),
		System:       str("system", DefaultSystem),
		Hostname:     str("hostname", ""),
		Timezone:     str("timezone", ""),
		Locale:       str("locale", ""),
		Keymap:       str("keymap", ""),
		ISOLabel:     str("iso_label", ""),
		Nix:          str("nix", ""),
		Packages:     list("packages"),
		SSHKeys:      list("ssh_authorized_keys"),
		Modules:      list("modules"),
		KernelParams: list("kernel_params"),
		DeclRange:    inst.Block.DefRange,
	}
	v.FileName = str("file_name", v.Name+formatExt(v.Format))
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
