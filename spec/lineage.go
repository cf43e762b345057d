package spec

import "github.com/hashicorp/hcl/v2"

// lineage lists the variants inst inherits from, directly or through its
// parents, breadth first and without repeats. Cycles are reported by
// resolve; here they only stop the walk.
func (r *resolver) lineage(inst *instance) []string {
	var out []string
	seen := map[string]bool{inst.Name: true}
	queue := append([]string(nil), inst.Inherits...)
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, name)
		if p, ok := r.byName[name]; ok {
			queue = append(queue, p.Inherits...)
		}
	}
	return out
}

// nothingBuildable warns when variant blocks exist but every one is
// abstract: apply would build nothing, which is never what was meant.
func nothingBuildable(byName map[string]*instance, built []Variant, diags hcl.Diagnostics) hcl.Diagnostics {
	if len(byName) == 0 || len(built) > 0 || diags.HasErrors() {
		return nil
	}
	var first *instance
	for _, name := range sortedKeys(byName) {
		first = byName[name]
		break
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagWarning, Summary: "Nothing to build", Subject: first.Block.DefRange.Ptr(),
		Detail: "Every variant is abstract, so isoforge apply builds nothing. Add a variant that inherits from one of them, e.g. variant \"site\" { inherits = [\"" + first.Name + "\"] }.",
	}}
}
