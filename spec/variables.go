package spec

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// EnvVarPrefix names environment variables that set input variables, as
// TF_VAR_ does for Terraform.
const EnvVarPrefix = "ISOFORGE_VAR_"

// VarArg is one -var or -var-file argument, kept in command-line order
// because later arguments win.
type VarArg struct {
	Name  string // -var name=value
	Value string
	File  string // -var-file FILE
}

// ParseVarArg splits a -var argument "name=value".
func ParseVarArg(s string) (VarArg, error) {
	name, value, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(name) == "" {
		return VarArg{}, fmt.Errorf("invalid -var %q: expected name=value, e.g. -var 'admin_key=ssh-ed25519 AAAA...'", s)
	}
	return VarArg{Name: strings.TrimSpace(name), Value: value}, nil
}

type variable struct {
	Name        string
	Type        cty.Type
	Default     cty.Value
	Description string
	Sensitive   bool
	Validations []validation
	DeclRange   hcl.Range
}

type validation struct {
	Condition    hcl.Expression
	ErrorMessage string
	Range        hcl.Range
}

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "type"}, {Name: "default"}, {Name: "description"}, {Name: "sensitive"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "validation"}},
}

var validationSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "condition", Required: true}, {Name: "error_message", Required: true}},
}

func decodeVariableBlock(block *hcl.Block, fnCtx *hcl.EvalContext) (*variable, hcl.Diagnostics) {
	v := &variable{Name: block.Labels[0], Type: cty.DynamicPseudoType, DeclRange: block.DefRange}
	diags := checkIdentifier(block.Labels[0], "variable", block.LabelRanges[0])
	content, moreDiags := block.Body.Content(variableSchema)
	diags = append(diags, moreDiags...)
	if attr, ok := content.Attributes["type"]; ok {
		ty, tyDiags := typeexpr.TypeConstraint(attr.Expr)
		diags = append(diags, tyDiags...)
		if !tyDiags.HasErrors() {
			v.Type = ty
		}
	}
	diags = append(diags, decodeString(content.Attributes["description"], nil, &v.Description)...)
	diags = append(diags, decodeBool(content.Attributes["sensitive"], nil, &v.Sensitive)...)
	if attr, ok := content.Attributes["default"]; ok {
		val, valDiags := attr.Expr.Value(fnCtx)
		diags = append(diags, valDiags...)
		v.Default = convertValue(val, v.Type, attr.Expr.Range(), &diags, "default for variable "+v.Name)
	}
	for _, b := range content.Blocks {
		vc, vDiags := b.Body.Content(validationSchema)
		diags = append(diags, vDiags...)
		if vDiags.HasErrors() {
			continue
		}
		val := validation{Condition: vc.Attributes["condition"].Expr, Range: b.DefRange}
		diags = append(diags, decodeString(vc.Attributes["error_message"], nil, &val.ErrorMessage)...)
		v.Validations = append(v.Validations, val)
	}
	return v, diags
}

func convertValue(val cty.Value, ty cty.Type, rng hcl.Range, diags *hcl.Diagnostics, what string) cty.Value {
	if val == cty.NilVal {
		return val
	}
	out, err := convert.Convert(val, ty)
	if err != nil {
		*diags = append(*diags, &hcl.Diagnostic{
			Severity: hcl.DiagError, Summary: "Invalid value for " + what,
			Detail: fmt.Sprintf("The value is not of type %s: %s.", typeexpr.TypeString(ty), err), Subject: rng.Ptr(),
		})
		return cty.NilVal
	}
	return out
}

// variableValues computes every variable's value with Terraform's
// precedence: default, then ISOFORGE_VAR_ environment variables, then
// -var-file and -var arguments in the order given.
func variableValues(vars map[string]*variable, opts Options, fnCtx *hcl.EvalContext, parse func(string) (*hcl.File, hcl.Diagnostics)) (map[string]cty.Value, hcl.Diagnostics) {
	vals := map[string]cty.Value{}
	var diags hcl.Diagnostics
	for name, v := range vars {
		if v.Default != cty.NilVal {
			vals[name] = v.Default
		}
	}
	for _, kv := range opts.Env {
		name, raw, ok := strings.Cut(kv, "=")
		name, found := strings.CutPrefix(name, EnvVarPrefix)
		if !ok || !found || vars[name] == nil {
			continue
		}
		setRaw(vals, vars[name], raw, "environment variable "+EnvVarPrefix+name, &diags)
	}
	for _, arg := range opts.Vars {
		if arg.File != "" {
			diags = append(diags, varFileValues(vars, vals, arg.File, fnCtx, parse)...)
			continue
		}
		v := vars[arg.Name]
		if v == nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: "Value for undeclared variable",
				Detail: fmt.Sprintf("-var sets %q, but no variable block declares it.%s Declare it with a variable %q block.",
					arg.Name, didYouMean(arg.Name, sortedKeys(vars)), arg.Name),
			})
			continue
		}
		setRaw(vals, v, arg.Value, "-var "+arg.Name, &diags)
	}
	for _, name := range sortedKeys(vars) {
		if _, ok := vals[name]; !ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: "No value for required variable",
				Detail: fmt.Sprintf("Variable %q has no default. Set it with -var %s=..., -var-file, or %s%s.",
					name, name, EnvVarPrefix, name),
				Subject: vars[name].DeclRange.Ptr(),
			})
		}
	}
	return vals, diags
}

// setRaw parses a value given as text: strings are taken literally, other
// types are read as HCL expressions, as Terraform does for -var.
func setRaw(vals map[string]cty.Value, v *variable, raw, from string, diags *hcl.Diagnostics) {
	if bDiags := checkRawBounds(raw, from, v); bDiags.HasErrors() {
		*diags = append(*diags, bDiags...)
		return
	}
	if v.Type == cty.String || v.Type == cty.DynamicPseudoType {
		vals[v.Name] = cty.StringVal(raw)
		return
	}
	expr, pDiags := hclsyntax.ParseExpression([]byte(raw), from, hcl.InitialPos)
	*diags = append(*diags, pDiags...)
	if pDiags.HasErrors() {
		return
	}
	val, eDiags := expr.Value(nil)
	*diags = append(*diags, eDiags...)
	if eDiags.HasErrors() {
		return
	}
	if out := convertValue(val, v.Type, expr.Range(), diags, from); out != cty.NilVal {
		vals[v.Name] = out
	}
}

func varFileValues(vars map[string]*variable, vals map[string]cty.Value, path string, fnCtx *hcl.EvalContext, parse func(string) (*hcl.File, hcl.Diagnostics)) hcl.Diagnostics {
	f, diags := parse(path)
	if diags.HasErrors() {
		return diags
	}
	attrs, aDiags := f.Body.JustAttributes()
	diags = append(diags, aDiags...)
	for _, name := range sortedKeys(attrs) {
		attr := attrs[name]
		v := vars[name]
		if v == nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: "Value for undeclared variable",
				Detail:  fmt.Sprintf("%q is not declared by any variable block.%s", name, didYouMean(name, sortedKeys(vars))),
				Subject: attr.NameRange.Ptr(),
			})
			continue
		}
		val, vDiags := attr.Expr.Value(fnCtx)
		diags = append(diags, vDiags...)
		if out := convertValue(val, v.Type, attr.Expr.Range(), &diags, "variable "+name); out != cty.NilVal {
			vals[name] = out
		}
	}
	return diags
}

func checkValidations(vars map[string]*variable, vals map[string]cty.Value, fnCtx *hcl.EvalContext) hcl.Diagnostics {
	var diags hcl.Diagnostics
	ctx := fnCtx.NewChild()
	ctx.Variables = map[string]cty.Value{"var": cty.ObjectVal(vals)}
	for _, name := range sortedKeys(vars) {
		if _, ok := vals[name]; !ok {
			continue
		}
		for _, val := range vars[name].Validations {
			ok, vDiags := val.Condition.Value(ctx)
			ok, _ = unmark(ok)
			diags = append(diags, vDiags...)
			if vDiags.HasErrors() || !ok.IsKnown() || ok.IsNull() || ok.Type() != cty.Bool {
				continue
			}
			if ok.False() {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError, Summary: "Invalid value for variable " + name,
					Detail: val.ErrorMessage, Subject: val.Condition.Range().Ptr(),
				})
			}
		}
	}
	return diags
}

func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
