package spec

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/isoforge/isoforge/spec/lazyregexp"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// evalAs evaluates expr and converts the result to ty, reporting a
// diagnostic on the expression when it cannot. The result is unmarked.
func evalAs(expr hcl.Expression, ctx *hcl.EvalContext, ty cty.Type, what string) (cty.Value, hcl.Diagnostics) {
	val, _, diags := evalMarked(expr, ctx, ty, what)
	return val, diags
}

// evalMarked is evalAs that also reports whether the value derives from a
// sensitive variable, so that checks can redact it.
func evalMarked(expr hcl.Expression, ctx *hcl.EvalContext, ty cty.Type, what string) (cty.Value, bool, hcl.Diagnostics) {
	marked, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return cty.NilVal, false, diags
	}
	val, sensitive := unmark(marked)
	out, diags := convertPlain(val, expr, ty, what, diags)
	return out, sensitive, diags
}

func convertPlain(val cty.Value, expr hcl.Expression, ty cty.Type, what string, diags hcl.Diagnostics) (cty.Value, hcl.Diagnostics) {
	if val.IsNull() {
		return cty.NilVal, diags
	}
	if !val.IsWhollyKnown() {
		return cty.NilVal, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError, Summary: "Value not known", Subject: expr.Range().Ptr(),
			Detail: fmt.Sprintf("The value of %s depends on something that failed to evaluate.", what),
		})
	}
	if d := unexpectedKeys(val, ty, expr, what); d != nil {
		return cty.NilVal, append(diags, d)
	}
	out, err := convert.Convert(val, ty)
	if err != nil {
		return cty.NilVal, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError, Summary: "Incorrect type for " + what, Subject: expr.Range().Ptr(),
			Detail: fmt.Sprintf("%s must be %s: %s.", what, ty.FriendlyName(), err),
		})
	}
	return out, diags
}

// unexpectedKeys reports keys an object attribute does not take: cty's
// conversion would drop them silently, and a misspelt key (password for
// psk) must not pass.
func unexpectedKeys(val cty.Value, ty cty.Type, expr hcl.Expression, what string) *hcl.Diagnostic {
	vt := val.Type()
	if !ty.IsObjectType() || !(vt.IsObjectType() || vt.IsMapType()) {
		return nil
	}
	allowed := sortedKeys(ty.AttributeTypes())
	for it := val.ElementIterator(); it.Next(); {
		k, _ := it.Element()
		if _, ok := ty.AttributeTypes()[k.AsString()]; !ok {
			return &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: "Unsupported key in " + what, Subject: expr.Range().Ptr(),
				Detail: fmt.Sprintf("%s takes the keys %s, not %q.%s", what, strings.Join(allowed, ", "), k.AsString(), didYouMean(k.AsString(), allowed)),
			}
		}
	}
	return nil
}

func decodeString(attr *hcl.Attribute, ctx *hcl.EvalContext, dst *string) hcl.Diagnostics {
	if attr == nil {
		return nil
	}
	val, diags := evalAs(attr.Expr, ctx, cty.String, attr.Name)
	if val != cty.NilVal {
		*dst = val.AsString()
	}
	return diags
}

func decodeBool(attr *hcl.Attribute, ctx *hcl.EvalContext, dst *bool) hcl.Diagnostics {
	if attr == nil {
		return nil
	}
	val, diags := evalAs(attr.Expr, ctx, cty.Bool, attr.Name)
	if val != cty.NilVal {
		*dst = val.True()
	}
	return diags
}

// decodeWholeNumber decodes a whole number within [min, max]; how says
// what the attribute means when the value is out of range.
func decodeWholeNumber(attr *hcl.Attribute, ctx *hcl.EvalContext, dst *int, min, max int64, how string) hcl.Diagnostics {
	if attr == nil {
		return nil
	}
	val, diags := evalAs(attr.Expr, ctx, cty.Number, attr.Name)
	if val == cty.NilVal {
		return diags
	}
	n, acc := val.AsBigFloat().Int64()
	if acc != 0 || n < min || n > max {
		return append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError, Summary: "Invalid " + attr.Name, Subject: attr.Expr.Range().Ptr(), Detail: how,
		})
	}
	*dst = int(n)
	return diags
}

func stringList(val cty.Value) []string {
	if val == cty.NilVal || val.IsNull() {
		return nil
	}
	out := make([]string, 0, val.LengthInt())
	for it := val.ElementIterator(); it.Next(); {
		_, v := it.Element()
		if !v.IsNull() {
			out = append(out, v.AsString())
		}
	}
	return out
}

var identifierRe = lazyregexp.New(`^[A-Za-z_][A-Za-z0-9_-]*$`)

func checkIdentifier(name, kind string, rng hcl.Range) hcl.Diagnostics {
	if identifierRe.MatchString(name) {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError, Summary: "Invalid " + kind + " name", Subject: rng.Ptr(),
		Detail: fmt.Sprintf("%q is not a valid %s name: use letters, digits, underscores and dashes, starting with a letter.", name, kind),
	}}
}

func duplicateBlock(kind string, block *hcl.Block, first hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError, Summary: "Duplicate " + kind + " block", Subject: block.DefRange.Ptr(),
		Detail: fmt.Sprintf("Only one %s block is allowed; the first is at %s. Merge them into one.", kind, first),
	}
}
