package spec

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/isoforge/isoforge/spec/lazyregexp"
	"github.com/zclconf/go-cty/cty"
)

// Cache is the cache block: Nix binary caches builds substitute from and
// push to. A cache changes where bytes come from, not what they are: no
// cache setting is an input of the ISO, so none triggers a rebuild.
type Cache struct {
	// Substituters are binary cache URLs (file://, http(s)://, s3://,
	// ssh://) passed to nix-build as extra-substituters.
	Substituters []string
	// TrustedPublicKeys are "name:base64" keys (extra-trusted-public-keys).
	TrustedPublicKeys []string
	// PushTo is the cache the build closure is signed and copied to
	// after each successful build; "" pushes nowhere.
	PushTo string
	// SecretKeyFile is the signing key's file on this machine. It is
	// never written to the lock, the logs or manifest.json.
	SecretKeyFile string
	// Range is where the block was declared.
	Range hcl.Range
}

var cacheSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "substituters"}, {Name: "trusted_public_keys"}, {Name: "push_to"}, {Name: "secret_key_file"},
}}

// cacheSchemes are the store URL schemes the builder's Nix may take;
// s3:// needs a Nix built with S3 support (Debian's is not).
var cacheSchemes = []string{"file", "http", "https", "s3", "ssh", "ssh-ng"}

var publicKeyRe = lazyregexp.New(`^[A-Za-z0-9._-]+:[A-Za-z0-9+/]{43}=$`)

func decodeCacheBlock(b *hcl.Block, ctx *hcl.EvalContext, vars map[string]*variable) (*Cache, hcl.Diagnostics) {
	c := &Cache{Range: b.DefRange}
	content, diags := b.Body.Content(cacheSchema)
	attr := content.Attributes
	diags = append(diags, decodeStrings(attr["substituters"], ctx, &c.Substituters)...)
	diags = append(diags, decodeStrings(attr["trusted_public_keys"], ctx, &c.TrustedPublicKeys)...)
	diags = append(diags, decodeString(attr["push_to"], ctx, &c.PushTo)...)
	diags = append(diags, decodeString(attr["secret_key_file"], ctx, &c.SecretKeyFile)...)
	if diags.HasErrors() {
		return c, diags
	}
	for _, u := range c.Substituters {
		diags = append(diags, checkCacheURL(u, attr["substituters"])...)
	}
	for _, k := range c.TrustedPublicKeys {
		if !publicKeyRe.MatchString(k) {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: "Invalid public key", Subject: attr["trusted_public_keys"].Expr.Range().Ptr(),
				Detail: fmt.Sprintf("%q is not a Nix public key such as \"fleet-1:<44 base64 characters>\" (nix-store --generate-binary-cache-key prints one).", k),
			})
		}
	}
	if c.PushTo != "" {
		diags = append(diags, checkCacheURL(c.PushTo, attr["push_to"])...)
		if c.SecretKeyFile == "" {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: "push_to without a signing key", Subject: attr["push_to"].Expr.Range().Ptr(),
				Detail: "Set secret_key_file (from a sensitive variable) to the key pushed paths are signed with; other builders trust its public key.",
			})
		}
	}
	if a := attr["secret_key_file"]; a != nil {
		diags = append(diags, checkUserGiven(a, vars)...)
	}
	if a := attr["secret_key_file"]; a != nil && c.SecretKeyFile != "" && !filepath.IsAbs(c.SecretKeyFile) && !strings.HasPrefix(c.SecretKeyFile, "~/") {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError, Summary: "Relative secret_key_file", Subject: a.Expr.Range().Ptr(),
			Detail: "secret_key_file must be an absolute path (or start with ~/): keep signing keys out of the configuration directory.",
		})
	}
	return c, diags
}

// checkUserGiven requires secret_key_file to be a sensitive variable
// without a default: its value then comes from the user running isoforge
// (-var, -var-file, ISOFORGE_VAR_*), never from the repository, so an
// untrusted configuration cannot sign its builds with a key it names.
func checkUserGiven(a *hcl.Attribute, vars map[string]*variable) hcl.Diagnostics {
	if tr, diags := hcl.AbsTraversalForExpr(a.Expr); !diags.HasErrors() && len(tr) == 2 && tr.RootName() == "var" {
		if step, ok := tr[1].(hcl.TraverseAttr); ok {
			if v := vars[step.Name]; v != nil && v.Sensitive && v.Default == cty.NilVal {
				return nil
			}
		}
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError, Summary: "secret_key_file must be a sensitive variable", Subject: a.Expr.Range().Ptr(),
		Detail: "Write secret_key_file = var.NAME, with variable \"NAME\" { sensitive = true } and no default, and give the key's path with -var NAME=PATH or ISOFORGE_VAR_NAME: a signing key is never named by the configuration itself.",
	}}
}

func checkCacheURL(u string, a *hcl.Attribute) hcl.Diagnostics {
	scheme, rest, ok := strings.Cut(u, "://")
	if ok && contains(cacheSchemes, scheme) && rest != "" && !strings.ContainsAny(u, " \t\n'\"") {
		if scheme != "file" || strings.HasPrefix(rest, "/") {
			return nil
		}
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError, Summary: "Invalid binary cache URL", Subject: a.Expr.Range().Ptr(),
		Detail: fmt.Sprintf("%q is not a Nix binary cache URL: use file:///absolute/dir, https://host/path, s3://bucket or ssh://host.", u),
	}}
}

func decodeStrings(attr *hcl.Attribute, ctx *hcl.EvalContext, dst *[]string) hcl.Diagnostics {
	if attr == nil {
		return nil
	}
	val, diags := evalAs(attr.Expr, ctx, cty.List(cty.String), attr.Name)
	if val == cty.NilVal {
		return diags
	}
	for it := val.ElementIterator(); it.Next(); {
		_, v := it.Element()
		if !v.IsNull() {
			*dst = append(*dst, v.AsString())
		}
	}
	return diags
}
