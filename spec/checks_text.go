package spec

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// ReservedFileNames are the files isoforge itself writes in the output
// directory; a variant's file_name may not take one, or each apply would
// overwrite the other (engine/apply/outputs.go).
var ReservedFileNames = []string{"SHA256SUMS", "manifest.json"}

// show quotes a value for a diagnostic, or redacts it when it derives from
// a sensitive variable.
func (c *checker) show(name, val string) string {
	if f, ok := c.fields[name]; ok && f.Sensitive {
		return Redacted
	}
	return strconv.Quote(val)
}

// checkReservedName refuses file names isoforge writes itself. The
// comparison ignores case, for case-insensitive file systems.
func (c *checker) checkReservedName(name string) {
	for _, r := range ReservedFileNames {
		if strings.EqualFold(name, r) {
			c.errorf(c.rangeOf("file_name"), "Reserved file name",
				"%s is written by isoforge itself in the output directory (%s); choose another file_name.",
				c.show("file_name", name), strings.Join(ReservedFileNames, ", "))
		}
	}
}

// checkControlChars refuses control characters in every string that
// reaches Nix or the terminal: Nix strings stop at NUL, and a newline in
// a module path or a key comment changes the meaning of the rendered
// file. The nix body may hold tabs and line breaks, nothing else.
func (c *checker) checkControlChars(v *Variant) {
	single := map[string]string{
		"format": v.Format, "system": v.System, "hostname": v.Hostname, "timezone": v.Timezone,
		"locale": v.Locale, "keymap": v.Keymap, "iso_label": v.ISOLabel, "file_name": v.FileName,
	}
	for _, name := range sortedKeys(single) {
		c.refuseControl(name, single[name], "")
	}
	lists := map[string][]string{
		"packages": v.Packages, "ssh_authorized_keys": v.SSHKeys, "modules": v.Modules, "kernel_params": v.KernelParams,
	}
	for _, name := range sortedKeys(lists) {
		for _, s := range lists[name] {
			s = strings.TrimSpace(s)
			if name == "ssh_authorized_keys" && (strings.Contains(s, "\n") || strings.Contains(s, "PRIVATE KEY")) {
				continue // checkSSHKeys says what is wrong with these
			}
			c.refuseControl(name, s, "")
		}
	}
	c.refuseControl("nix", v.Nix, "\t\r\n")
}

func (c *checker) refuseControl(name, val, allowed string) {
	i := strings.IndexFunc(val, func(r rune) bool { return isControl(r) && !strings.ContainsRune(allowed, r) })
	if i < 0 {
		return
	}
	r := []rune(val[i:])[0]
	c.errorf(c.rangeOf(name), "Control character in "+name,
		"%s holds the control character %U at byte %d. Nix would truncate or misread it and terminals would interpret it: remove it.",
		c.show(name, abbreviate(val, 60)), r, i)
}

// Printable returns s for a terminal: unchanged when it holds no control
// characters and is valid UTF-8, else Go-quoted with escapes. Names read
// from the lock file (removed variants) are printed through it, so a
// tampered lock cannot send escape sequences to the terminal.
func Printable(s string) string {
	if utf8.ValidString(s) && strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	return strconv.Quote(s)
}
