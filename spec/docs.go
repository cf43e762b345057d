package spec

import (
	"fmt"
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// AttributesMarkdown is the table of variant attributes that
// docs/isos-hcl.md shows, generated from Attributes so the docs cannot
// drift from decoding (a test compares them).
func AttributesMarkdown() string {
	var b strings.Builder
	b.WriteString("| attribute | type | sets | default | meaning |\n|---|---|---|---|---|\n")
	for _, a := range Attributes {
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", a.Name, typeName(a.Type), a.Option, a.Default, a.Doc)
	}
	return b.String()
}

func typeName(t cty.Type) string {
	switch {
	case t == cty.String:
		return "string"
	case t.IsListType():
		return "list(" + typeName(t.ElementType()) + ")"
	case t.IsObjectType():
		names := make([]string, 0, len(t.AttributeTypes()))
		for _, n := range sortedKeys(t.AttributeTypes()) {
			if t.AttributeOptional(n) {
				n += "?"
			}
			names = append(names, n)
		}
		return "object(" + strings.Join(names, ", ") + ")"
	}
	return t.FriendlyName()
}
