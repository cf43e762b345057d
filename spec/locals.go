package spec

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// evalLocals evaluates every local value in dependency order, so a local
// may use another declared later or in another file.
func evalLocals(attrs map[string]*hcl.Attribute, ctx *hcl.EvalContext) (map[string]cty.Value, hcl.Diagnostics) {
	vals := map[string]cty.Value{}
	pending := sortedKeys(attrs)
	var diags hcl.Diagnostics
	for len(pending) > 0 {
		var next []string
		for _, name := range pending {
			if !localReady(attrs[name], attrs, vals) {
				next = append(next, name)
				continue
			}
			child := ctx.NewChild()
			child.Variables = map[string]cty.Value{"local": cty.ObjectVal(vals)}
			val, vDiags := attrs[name].Expr.Value(child)
			diags = append(diags, vDiags...)
			if vDiags.HasErrors() {
				val = cty.DynamicVal
			}
			vals[name] = val
		}
		if len(next) == len(pending) {
			return vals, append(diags, localCycle(next, attrs))
		}
		pending = next
	}
	return vals, diags
}

// localReady reports whether every local the expression refers to has a
// value. References to undeclared locals count as ready: evaluating the
// expression then reports them with their source range.
func localReady(attr *hcl.Attribute, attrs map[string]*hcl.Attribute, vals map[string]cty.Value) bool {
	for _, tr := range attr.Expr.Variables() {
		if tr.RootName() != "local" || len(tr) < 2 {
			continue
		}
		name := localName(tr)
		if _, declared := attrs[name]; !declared {
			continue
		}
		if _, done := vals[name]; !done {
			return false
		}
	}
	return true
}

func localName(tr hcl.Traversal) string {
	if a, ok := tr[1].(hcl.TraverseAttr); ok {
		return a.Name
	}
	return ""
}

func localCycle(names []string, attrs map[string]*hcl.Attribute) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError, Summary: "Cycle between local values",
		Detail: fmt.Sprintf("These locals refer to each other, so none can be evaluated: %s. Break the cycle.",
			strings.Join(names, ", ")),
		Subject: attrs[names[0]].Expr.Range().Ptr(),
	}
}
