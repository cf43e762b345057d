package spec

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// settingTypes are the attributes a variant or the defaults block may
// set, from the Attributes table.
var settingTypes = func() map[string]cty.Type {
	m := make(map[string]cty.Type, len(Attributes))
	for _, a := range Attributes {
		m[a.Name] = a.Type
	}
	return m
}()

// metaAttrs belong to variant blocks only and are never inherited.
var metaAttrs = []string{"for_each", "inherits", "abstract"}

// rawVariant is a variant or defaults block after the structural pass and
// before its expressions are evaluated.
type rawVariant struct {
	Name     string
	Block    *hcl.Block
	Settings map[string]*hcl.Attribute
	Meta     map[string]*hcl.Attribute
}

func decodeSettingsBody(block *hcl.Block, allowMeta bool) (*rawVariant, hcl.Diagnostics) {
	rv := &rawVariant{Block: block, Settings: map[string]*hcl.Attribute{}, Meta: map[string]*hcl.Attribute{}}
	if len(block.Labels) > 0 {
		rv.Name = block.Labels[0]
	}
	testAttr, rest, diags := decodeTestBlocks(block.Body)
	if testAttr != nil {
		rv.Settings["test"] = testAttr
	}
	attrs, aDiags := rest.JustAttributes()
	diags = append(diags, withoutBlockErrors(block.Body, aDiags)...)
	known := sortedKeys(settingTypes)
	if allowMeta {
		known = append(known, metaAttrs...)
	}
	for _, name := range sortedKeys(attrs) {
		attr := attrs[name]
		switch {
		case name == "test":
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: "test is a block", Subject: attr.NameRange.Ptr(),
				Detail: "Write test { ssh_private_key_file = ... } without '='.",
			})
		case settingTypes[name] != cty.NilType:
			rv.Settings[name] = attr
		case allowMeta && contains(metaAttrs, name):
			rv.Meta[name] = attr
		default:
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: "Unsupported argument", Subject: attr.NameRange.Ptr(),
				Detail: fmt.Sprintf("An argument named %q is not expected in a %s block.%s",
					name, block.Type, didYouMean(name, known)),
			})
		}
	}
	return rv, diags
}

// field is one evaluated setting and where it was written.
type field struct {
	Val   cty.Value
	Range hcl.Range
	// Sensitive is set when the value derives from a sensitive variable.
	Sensitive bool
}

// instance is one variant after for_each expansion.
type instance struct {
	Name      string
	Block     *hcl.Block
	Fields    map[string]field
	Inherits  []string
	InhRange  hcl.Range
	Abstract  bool
	NameRange hcl.Range
}

func evalSettings(rv *rawVariant, ctx *hcl.EvalContext) (map[string]field, hcl.Diagnostics) {
	fields := map[string]field{}
	var diags hcl.Diagnostics
	for _, name := range sortedKeys(rv.Settings) {
		attr := rv.Settings[name]
		val, sensitive, vDiags := evalMarked(attr.Expr, ctx, settingTypes[name], name)
		diags = append(diags, vDiags...)
		if val != cty.NilVal {
			fields[name] = field{Val: val, Range: attr.Expr.Range(), Sensitive: sensitive}
		}
	}
	return fields, diags
}

// expandVariant evaluates a variant block once, or once per for_each
// element with each.key and each.value in scope.
func expandVariant(rv *rawVariant, ctx *hcl.EvalContext) ([]*instance, hcl.Diagnostics) {
	fe, ok := rv.Meta["for_each"]
	if !ok {
		inst, diags := evalInstance(rv, rv.Name, ctx)
		return []*instance{inst}, diags
	}
	elems, diags := forEachElements(fe, ctx)
	var out []*instance
	for _, key := range sortedKeys(elems) {
		child := ctx.NewChild()
		child.Variables = map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{
			"key": cty.StringVal(key), "value": elems[key],
		})}
		inst, iDiags := evalInstance(rv, rv.Name+"-"+key, child)
		diags = append(diags, iDiags...)
		out = append(out, inst)
	}
	return out, diags
}

func forEachElements(attr *hcl.Attribute, ctx *hcl.EvalContext) (map[string]cty.Value, hcl.Diagnostics) {
	val, diags := attr.Expr.Value(ctx)
	if diags.HasErrors() {
		return nil, diags
	}
	if val, diags = refuseSensitive(val, attr, diags); diags.HasErrors() {
		return nil, diags
	}
	ty := val.Type()
	okType := ty.IsMapType() || ty.IsObjectType() || (ty.IsSetType() && ty.ElementType() == cty.String)
	if val.IsNull() || !val.IsWhollyKnown() || !okType {
		return nil, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError, Summary: "Invalid for_each argument", Subject: attr.Expr.Range().Ptr(),
			Detail: "for_each takes a map, or a set of strings such as toset([\"ams\", \"fra\"]); a list must be converted with toset().",
		})
	}
	elems := map[string]cty.Value{}
	for it := val.ElementIterator(); it.Next(); {
		k, v := it.Element()
		elems[k.AsString()] = v
	}
	return elems, diags
}

func evalInstance(rv *rawVariant, name string, ctx *hcl.EvalContext) (*instance, hcl.Diagnostics) {
	inst := &instance{Name: name, Block: rv.Block, NameRange: rv.Block.LabelRanges[0]}
	fields, diags := evalSettings(rv, ctx)
	inst.Fields = fields
	if a, ok := rv.Meta["inherits"]; ok {
		val, iDiags := evalAs(a.Expr, ctx, cty.List(cty.String), "inherits")
		diags = append(diags, iDiags...)
		inst.Inherits, inst.InhRange = stringList(val), a.Expr.Range()
	}
	diags = append(diags, decodeBool(rv.Meta["abstract"], ctx, &inst.Abstract)...)
	return inst, diags
}

// resolver merges inherited settings, memoized, after buildx bake: the
// defaults, then each parent in order, then the variant itself.
type resolver struct {
	defaults map[string]field
	byName   map[string]*instance
	done     map[string]map[string]field
	visiting map[string]bool
}

func (r *resolver) resolve(inst *instance) (map[string]field, hcl.Diagnostics) {
	if f, ok := r.done[inst.Name]; ok {
		return f, nil
	}
	if r.visiting[inst.Name] {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError, Summary: "Inheritance cycle", Subject: inst.InhRange.Ptr(),
			Detail: fmt.Sprintf("Variant %q inherits from itself through its parents. Remove one of the inherits entries.", inst.Name),
		}}
	}
	r.visiting[inst.Name] = true
	defer delete(r.visiting, inst.Name)
	merged := copyFields(r.defaults)
	var diags hcl.Diagnostics
	for _, parent := range inst.Inherits {
		p, ok := r.byName[parent]
		if !ok {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: "Unknown parent variant", Subject: inst.InhRange.Ptr(),
				Detail: fmt.Sprintf("Variant %q inherits from %q, which is not declared.%s",
					inst.Name, parent, didYouMean(parent, sortedKeys(r.byName))),
			})
			continue
		}
		pf, pDiags := r.resolve(p)
		diags = append(diags, pDiags...)
		for k, v := range pf {
			merged[k] = v
		}
	}
	for k, v := range inst.Fields {
		merged[k] = v
	}
	r.done[inst.Name] = merged
	return merged, diags
}

func copyFields(in map[string]field) map[string]field {
	out := make(map[string]field, len(in))
	for k, v := range in {
		out[k] = v
	}
	return out
}

// indexInstances maps names to instances, reporting duplicates (also those
// that only collide after for_each expansion).
func indexInstances(all []*instance) (map[string]*instance, hcl.Diagnostics) {
	byName := map[string]*instance{}
	var diags hcl.Diagnostics
	for _, inst := range all {
		if first, dup := byName[inst.Name]; dup {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError, Summary: "Duplicate variant name", Subject: inst.NameRange.Ptr(),
				Detail: fmt.Sprintf("A variant named %q is already declared at %s (for_each variants are named NAME-KEY). Rename one of them.",
					inst.Name, first.Block.DefRange),
			})
			continue
		}
		byName[inst.Name] = inst
	}
	return byName, diags
}

func sortInstances(all []*instance) {
	sort.SliceStable(all, func(i, j int) bool { return all[i].Name < all[j].Name })
}
