package spec

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// sensitiveMark marks the values of `sensitive = true` variables. cty
// carries marks through every expression and function, as Terraform's
// marks.Sensitive does, so anything derived from a secret is marked too,
// and hcl's diagnostic writer never prints marked values.
type sensitiveMark struct{}

// Redacted replaces a sensitive value in diagnostics, as in Terraform.
const Redacted = "(sensitive value)"

// markSensitive marks the values of sensitive variables.
func markSensitive(vars map[string]*variable, vals map[string]cty.Value) {
	for name, v := range vars {
		if val, ok := vals[name]; ok && v.Sensitive {
			vals[name] = val.Mark(sensitiveMark{})
		}
	}
}

// unmark returns val without marks and whether any part of it was
// sensitive. Decoding turns values into Go values only after this.
func unmark(val cty.Value) (cty.Value, bool) {
	out, pvm := val.UnmarkDeepWithPaths()
	return out, len(pvm) > 0
}

// secretTexts lists the text forms of the sensitive variables' values
// (strings, numbers, and the elements of collections), the longest first.
func secretTexts(vars map[string]*variable, vals map[string]cty.Value) []string {
	var out []string
	for name, v := range vars {
		if val, ok := vals[name]; ok && v.Sensitive {
			plain, _ := unmark(val)
			out = appendTexts(out, plain)
		}
	}
	// Longest first, so a secret containing another is replaced whole.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && len(out[j]) > len(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func appendTexts(out []string, v cty.Value) []string {
	if v.IsNull() || !v.IsKnown() {
		return out
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		out = append(out, v.AsString())
	case ty == cty.Number:
		out = append(out, v.AsBigFloat().Text('f', -1))
	case ty.IsCollectionType() || ty.IsObjectType() || ty.IsTupleType():
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			out = appendTexts(out, e)
		}
	}
	return out
}

// redact is the safety net behind the marks: a function's error message
// may quote its (unmarked) argument, so every occurrence of a secret's
// text in a diagnostic is replaced. Texts shorter than 3 bytes are left:
// replacing "1" everywhere would garble diagnostics and hide nothing.
func redact(diags hcl.Diagnostics, secrets []string) {
	var pairs []string
	for _, s := range secrets {
		if len(s) >= 3 {
			pairs = append(pairs, s, Redacted)
		}
	}
	if len(pairs) == 0 {
		return
	}
	r := strings.NewReplacer(pairs...)
	for _, d := range diags {
		d.Summary = r.Replace(d.Summary)
		d.Detail = r.Replace(d.Detail)
	}
}

// refuseSensitive refuses a for_each value derived from a sensitive
// variable, as Terraform does: its keys name variants, which are printed
// everywhere.
func refuseSensitive(val cty.Value, attr *hcl.Attribute, diags hcl.Diagnostics) (cty.Value, hcl.Diagnostics) {
	plain, sensitive := unmark(val)
	if !sensitive {
		return plain, diags
	}
	return plain, append(diags, &hcl.Diagnostic{
		Severity: hcl.DiagError, Summary: "Sensitive value in for_each", Subject: attr.Expr.Range().Ptr(),
		Detail: "for_each keys name variants, and variant names are printed in plans, logs and file names, so they cannot derive from a sensitive variable. Use a non-sensitive value.",
	})
}
