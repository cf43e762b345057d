package spec

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/isoforge/isoforge/spec/lazyregexp"
	"github.com/zclconf/go-cty/cty"
	"golang.org/x/crypto/ssh"
)

// checker holds what the semantic checks of one variant need.
type checker struct {
	dir       string
	channel   string
	fields    map[string]field
	nameRange hcl.Range
	diags     hcl.Diagnostics
	memo      *checkMemo
}

// checkMemo remembers the checks that touch the disk or parse keys, for
// one load: fleets share modules and keys across thousands of variants.
type checkMemo struct {
	keys    map[string]error
	modules map[string]moduleState
}

type moduleState int

const (
	moduleOK moduleState = iota
	moduleMissing
	moduleDirWithoutDefault
)

func newCheckMemo() *checkMemo {
	return &checkMemo{keys: map[string]error{}, modules: map[string]moduleState{}}
}

func (m *checkMemo) parseKey(key string) error {
	if err, ok := m.keys[key]; ok {
		return err
	}
	_, _, _, _, err := ssh.ParseAuthorizedKey([]byte(key))
	m.keys[key] = err
	return err
}

func (m *checkMemo) module(dir, clean string) moduleState {
	if s, ok := m.modules[clean]; ok {
		return s
	}
	s := moduleOK
	st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(clean)))
	switch {
	case err != nil:
		s = moduleMissing
	case st.IsDir() && !fileExists(filepath.Join(dir, clean, "default.nix")):
		s = moduleDirWithoutDefault
	}
	m.modules[clean] = s
	return s
}

var (
	attrSegmentRe = lazyregexp.New(`^[A-Za-z_][A-Za-z0-9_'-]*$`)
	timezoneRe    = lazyregexp.New(`^[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*$`)
	localeRe      = lazyregexp.New(`^[A-Za-z0-9_.@-]+$`)
)

// Systems lists the Nix system doubles a variant may target.
var Systems = []string{"aarch64-linux", "i686-linux", "x86_64-linux"}

// rangeOf returns where a field was set, or the fallback.
func (c *checker) rangeOf(name string) *hcl.Range {
	if f, ok := c.fields[name]; ok {
		return f.Range.Ptr()
	}
	return c.nameRange.Ptr()
}

func (c *checker) has(name string) bool {
	f, ok := c.fields[name]
	return ok && f.Val != cty.NilVal
}

func (c *checker) warnf(subject *hcl.Range, summary, format string, args ...any) {
	c.diags = append(c.diags, &hcl.Diagnostic{
		Severity: hcl.DiagWarning, Summary: summary, Subject: subject, Detail: fmt.Sprintf(format, args...),
	})
}

func (c *checker) errorf(subject *hcl.Range, summary, format string, args ...any) {
	c.diags = append(c.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError, Summary: summary, Subject: subject, Detail: fmt.Sprintf(format, args...),
	})
}

func (c *checker) check(v *Variant) hcl.Diagnostics {
	if !ValidVariantName(v.Name) {
		c.errorf(c.nameRange.Ptr(), "Invalid variant name",
			"%q cannot name files and containers: use up to 63 letters, digits, '_', '.' and '-', starting with a letter or digit.", v.Name)
	}
	c.checkFormat(v)
	c.checkRelease(v.Format)
	if !contains(Systems, v.System) {
		c.errorf(c.rangeOf("system"), "Unknown system",
			"%s is not a supported system.%s Use one of: %s.", c.show("system", v.System), didYouMean(v.System, Systems), strings.Join(Systems, ", "))
	}
	c.checkPattern("hostname", v.Hostname, hostname, "Invalid hostname",
		"a hostname is one DNS label: up to 63 letters, digits and '-', not starting or ending with '-'")
	c.checkTimezone(v)
	c.checkPattern("locale", v.Locale, localeRe, "Invalid locale", "use a locale such as \"en_US.UTF-8\"")
	c.checkPattern("keymap", v.Keymap, localeRe, "Invalid keymap", "use a console keymap such as \"us\" or \"de-latin1\"")
	c.checkPattern("iso_label", v.ISOLabel, isoLabel, "Invalid ISO label",
		"an ISO volume label (isoImage.volumeID) has at most 32 characters: letters, digits, '_', '.' and '-'")
	c.checkPattern("file_name", v.FileName, fileName, "Invalid file name",
		"file_name is a plain file name in the output directory, such as \"installer.iso\", without '/'")
	c.checkReservedName(v.FileName)
	c.checkControlChars(v)
	c.checkSSHKeys(v.SSHKeys)
	c.checkPackages(v.Packages)
	v.Modules = c.checkModules(v.Modules)
	c.checkKernelParams(v.KernelParams)
	c.checkImageSettings(v)
	c.checkTest(v)
	return c.diags
}

var releaseRe = lazyregexp.New(`^nixos-(\d\d\.\d\d)(-small)?$`)

// checkRelease rejects formats the pinned channel's NixOS does not have.
// Release numbers are YY.MM, so they compare as strings.
func (c *checker) checkRelease(format string) {
	f, ok := LookupFormat(format)
	m := releaseRe.FindStringSubmatch(c.channel)
	if !ok || f.MinNixOS == "" || m == nil || m[1] >= f.MinNixOS {
		return
	}
	c.errorf(c.rangeOf("format"), "Format needs a newer NixOS",
		"Format %q builds %s, which NixOS has since %s; channel %q is %s. Use nixos-%s or later, or an ISO format.",
		format, f.Attribute, f.MinNixOS, c.channel, m[1], f.MinNixOS)
}

// pattern is what checkPattern matches values against: a
// *lazyregexp.Regexp or a boundedPattern.
type pattern interface{ MatchString(string) bool }

func (c *checker) checkPattern(name, val string, re pattern, summary, how string) {
	if !c.has(name) || re.MatchString(val) {
		return
	}
	c.errorf(c.rangeOf(name), summary, "%s is not valid: %s.", c.show(name, val), how)
}

func (c *checker) checkSSHKeys(keys []string) {
	for i, key := range keys {
		if strings.Contains(key, "PRIVATE KEY") {
			c.errorf(c.rangeOf("ssh_authorized_keys"), "Private key in ssh_authorized_keys",
				"Key %d is a private key. Never put private keys in isos.hcl: use the public key (the .pub file).", i+1)
			continue
		}
		trimmed := strings.TrimSpace(key)
		if strings.Contains(trimmed, "\n") {
			c.errorf(c.rangeOf("ssh_authorized_keys"), "Invalid SSH public key",
				"Key %d spans several lines; give one key per list element (split(\"\\n\", file(...)) splits an authorized_keys file).", i+1)
			continue
		}
		if err := c.memo.parseKey(trimmed); err != nil {
			c.errorf(c.rangeOf("ssh_authorized_keys"), "Invalid SSH public key",
				"Key %d (%s) is not an OpenSSH public key: %s. Expected a line such as \"ssh-ed25519 AAAA... user@host\".",
				i+1, c.show("ssh_authorized_keys", abbreviate(trimmed, 40)), err)
		}
	}
}

func (c *checker) checkPackages(pkgs []string) {
	for _, p := range pkgs {
		for _, seg := range strings.Split(p, ".") {
			if attrSegmentRe.MatchString(seg) {
				continue
			}
			c.errorf(c.rangeOf("packages"), "Invalid package attribute path",
				"%s is not a nixpkgs attribute path such as \"htop\" or \"python3Packages.requests\": segment %s must start with a letter or '_' and hold only letters, digits, '_', '\\'' and '-'.",
				c.show("packages", abbreviate(p, 60)), c.show("packages", abbreviate(seg, 40)))
			break
		}
	}
}

// checkModules checks module paths and returns them cleaned, slash
// separated and relative to the configuration directory.
func (c *checker) checkModules(mods []string) []string {
	out := make([]string, 0, len(mods))
	for _, m := range mods {
		clean := path.Clean(filepath.ToSlash(m))
		if filepath.IsAbs(m) || escapes(clean) {
			c.errorf(c.rangeOf("modules"), "Module path outside the configuration",
				"%s leaves the directory of isos.hcl. Builds only see that directory (mounted read-only), so move the module inside it.", c.show("modules", m))
			continue
		}
		switch c.memo.module(c.dir, clean) {
		case moduleMissing:
			c.errorf(c.rangeOf("modules"), "Module file not found",
				"%s does not exist (module paths are relative to the directory of isos.hcl).", c.show("modules", m))
		case moduleDirWithoutDefault:
			c.errorf(c.rangeOf("modules"), "Module directory without default.nix", "%s is a directory without default.nix.", c.show("modules", m))
		}
		out = append(out, clean)
	}
	return out
}

func (c *checker) checkKernelParams(params []string) {
	for _, p := range params {
		if p == "" || strings.ContainsAny(p, " \t\r\n\x00") {
			c.errorf(c.rangeOf("kernel_params"), "Invalid kernel parameter",
				"%s must be one non-empty parameter without white space, such as \"console=ttyS0,115200\".", c.show("kernel_params", abbreviate(p, 40)))
		}
	}
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

func abbreviate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
