package spec

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"golang.org/x/crypto/ssh"
)

// Test is a variant's `test { ... }` block: how `isoforge test` boots
// its artifact and what it checks over SSH. It does not change the
// artifact, so it is not an input of the variant's hash.
type Test struct {
	// KeyFile is the private key to log in with, a slash path relative to
	// Config.Dir (ssh_private_key_file); never printed or hashed.
	KeyFile string
	User    string
	// BootTimeout bounds the wait for sshd.
	BootTimeout time.Duration
	MemoryMiB   int
	// ExpectHostname checks that the VM's hostname is the variant's
	// hostname (NixOS' default "nixos" when unset).
	ExpectHostname bool
	// ExpectPackages checks that each package's program is on PATH.
	ExpectPackages bool
	Commands       []string
	// Accel is "auto" (KVM when the builder has /dev/kvm, else TCG with a
	// warning and twice the boot timeout), "kvm" or "tcg".
	Accel string
}

// Defaults of the test block, as docs/testing.md lists them.
const (
	DefaultTestUser      = "root"
	DefaultBootTimeout   = 3 * time.Minute
	DefaultTestMemoryMiB = 1024
)

// testType is the object a test block evaluates to.
var testType = cty.ObjectWithOptionalAttrs(map[string]cty.Type{
	"ssh_private_key_file": cty.String,
	"user":                 cty.String,
	"boot_timeout":         cty.String,
	"memory_mib":           cty.Number,
	"expect_hostname":      cty.Bool,
	"expect_packages":      cty.Bool,
	"commands":             cty.List(cty.String),
	"accel":                cty.String,
}, []string{"accel", "ssh_private_key_file", "user", "boot_timeout", "memory_mib", "expect_hostname", "expect_packages", "commands"})

// testAttribute is the table entry of the test block. Its Input is empty:
// the fingerprint and plan reasons leave it out.
var testAttribute = Attribute{Name: "test", Type: testType, Default: "none (isoforge test skips the variant)",
	Option: "isoforge test only: how the artifact is booted and checked; not hashed",
	Doc:    "A block: ssh_private_key_file, user, boot_timeout, memory_mib, expect_hostname, expect_packages, commands, accel (see docs/testing.md).",
	set:    setTest, text: func(*Variant) string { return "" }}

func setTest(v *Variant, x cty.Value) {
	t := &Test{User: DefaultTestUser, BootTimeout: DefaultBootTimeout, MemoryMiB: DefaultTestMemoryMiB,
		ExpectHostname: true, ExpectPackages: true, Accel: "auto"}
	if s := x.GetAttr("accel"); !s.IsNull() {
		t.Accel = s.AsString()
	}
	if s := x.GetAttr("ssh_private_key_file"); !s.IsNull() {
		t.KeyFile = s.AsString()
	}
	if s := x.GetAttr("user"); !s.IsNull() {
		t.User = s.AsString()
	}
	if s := x.GetAttr("boot_timeout"); !s.IsNull() {
		// checkTest reports a value that does not parse.
		t.BootTimeout, _ = time.ParseDuration(s.AsString())
	}
	if n := x.GetAttr("memory_mib"); !n.IsNull() {
		m, _ := n.AsBigFloat().Int64()
		t.MemoryMiB = int(m)
	}
	if b := x.GetAttr("expect_hostname"); !b.IsNull() {
		t.ExpectHostname = b.True()
	}
	if b := x.GetAttr("expect_packages"); !b.IsNull() {
		t.ExpectPackages = b.True()
	}
	if l := x.GetAttr("commands"); !l.IsNull() {
		t.Commands = stringList(l)
	}
	v.Test = t
}

// checkTest checks the test block's values (the key file is read by
// validate, which may warn about it).
func (c *checker) checkTest(v *Variant) {
	t := v.Test
	if t == nil {
		return
	}
	if t.BootTimeout < 10*time.Second || t.BootTimeout > 24*time.Hour {
		c.errorf(c.rangeOf("test"), "Invalid boot_timeout",
			"boot_timeout is how long to wait for sshd: a duration such as \"3m\" or \"90s\", from 10s to 24h.")
	}
	if t.MemoryMiB < 256 || t.MemoryMiB > 1<<20 {
		c.errorf(c.rangeOf("test"), "Invalid memory_mib",
			"memory_mib is the test VM's memory in MiB: a whole number from 256 to 1048576.")
	}
	if !contains([]string{"auto", "kvm", "tcg"}, t.Accel) {
		c.errorf(c.rangeOf("test"), "Invalid accel",
			"accel %q is not an accelerator: use auto (KVM when the builder has /dev/kvm), kvm or tcg (emulation, slow).", t.Accel)
	}
	if t.KeyFile == "" {
		return
	}
	clean := normalizeLocalPath(c.dir, t.KeyFile)
	if escapes(clean) {
		c.errorf(c.rangeOf("test"), "Key file outside the configuration",
			"ssh_private_key_file %q leaves the directory of isos.hcl; isoforge reads nothing outside it.", t.KeyFile)
		return
	}
	t.KeyFile = clean
	c.checkTestKey(v)
}

// checkTestKey reads the test key (inside the configuration directory
// only): an error when it is no usable private key, a warning when its
// public half is not among ssh_authorized_keys (a module or the nix body
// may still authorize it). Neither quotes the key.
func (c *checker) checkTestKey(v *Variant) {
	root, err := os.OpenRoot(c.dir)
	if err != nil {
		return
	}
	defer root.Close()
	b, err := root.ReadFile(filepath.FromSlash(v.Test.KeyFile))
	if err != nil {
		c.errorf(c.rangeOf("test"), "Unreadable test key",
			"ssh_private_key_file %q cannot be read (%v); isoforge test logs in with it.", v.Test.KeyFile, errors.Unwrap(err))
		return
	}
	signer, err := ssh.ParsePrivateKey(b)
	var pass *ssh.PassphraseMissingError
	switch {
	case errors.As(err, &pass):
		c.errorf(c.rangeOf("test"), "Test key has a passphrase",
			"ssh_private_key_file %q is protected by a passphrase; isoforge test needs a key without one (a throwaway key for tests).", v.Test.KeyFile)
		return
	case err != nil:
		c.errorf(c.rangeOf("test"), "Invalid test key",
			"ssh_private_key_file %q is not an OpenSSH private key (as written by ssh-keygen).", v.Test.KeyFile)
		return
	}
	pub := signer.PublicKey().Marshal()
	for _, k := range v.SSHKeys {
		if pk, _, _, _, err := ssh.ParseAuthorizedKey([]byte(k)); err == nil && bytes.Equal(pk.Marshal(), pub) {
			return
		}
	}
	c.diags = append(c.diags, &hcl.Diagnostic{
		Severity: hcl.DiagWarning, Summary: "Test key not authorized", Subject: c.rangeOf("test"),
		Detail: fmt.Sprintf("The public half of ssh_private_key_file (%s) is not among variant %q's ssh_authorized_keys, so isoforge test can only log in if a module or the nix body authorizes it.",
			ssh.FingerprintSHA256(signer.PublicKey()), v.Name),
	})
}

// blockObject evaluates a block's attributes as one object value, so a
// `test { ... }` block decodes like an attribute of the table.
type blockObject struct {
	block *hcl.Block
	attrs hcl.Attributes
}

// Value implements hcl.Expression.
func (b blockObject) Value(ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	vals := make(map[string]cty.Value, len(b.attrs))
	var diags hcl.Diagnostics
	for name, a := range b.attrs {
		v, d := a.Expr.Value(ctx)
		diags = append(diags, d...)
		vals[name] = v
	}
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	return cty.ObjectVal(vals), diags
}

// Variables implements hcl.Expression.
func (b blockObject) Variables() []hcl.Traversal {
	var out []hcl.Traversal
	for _, a := range b.attrs {
		out = append(out, a.Expr.Variables()...)
	}
	return out
}

// Range implements hcl.Expression.
func (b blockObject) Range() hcl.Range { return b.block.DefRange }

// StartRange implements hcl.Expression.
func (b blockObject) StartRange() hcl.Range { return b.block.TypeRange }

// decodeTestBlocks turns the test blocks of a variant or defaults body
// into a "test" setting, and returns the rest of the body.
func decodeTestBlocks(body hcl.Body) (*hcl.Attribute, hcl.Body, hcl.Diagnostics) {
	content, rest, diags := body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "test"}}})
	var out *hcl.Attribute
	for _, blk := range content.Blocks {
		if out != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: "Duplicate test block", Subject: blk.DefRange.Ptr(),
				Detail: fmt.Sprintf("A test block is already declared at %s; merge them.", out.Range),
			})
			continue
		}
		attrs, aDiags := blk.Body.JustAttributes()
		diags = append(diags, aDiags...)
		out = &hcl.Attribute{Name: "test", Expr: blockObject{block: blk, attrs: attrs}, Range: blk.DefRange, NameRange: blk.TypeRange}
	}
	return out, rest, diags
}

// withoutBlockErrors fixes up the diagnostics of JustAttributes on a body
// whose test blocks PartialContent took: hclsyntax's JustAttributes still
// reports the first block of any type, so its block error is dropped and
// every block other than test is reported here instead.
func withoutBlockErrors(body hcl.Body, diags hcl.Diagnostics) hcl.Diagnostics {
	syn, ok := body.(*hclsyntax.Body)
	if !ok {
		return diags
	}
	var out hcl.Diagnostics
	for _, d := range diags {
		if d.Detail != "Blocks are not allowed here." {
			out = append(out, d)
		}
	}
	for _, b := range syn.Blocks {
		if b.Type != "test" {
			out = append(out, &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: fmt.Sprintf("Unexpected %q block", b.Type), Subject: b.TypeRange.Ptr(),
				Detail: "The only block a variant or defaults block takes is test.",
			})
		}
	}
	return out
}
