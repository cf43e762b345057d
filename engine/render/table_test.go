package render

import (
	"testing"

	"github.com/isoforge/isoforge/spec"
)

// TestEveryAttributeRenders keeps the renderer table in step with
// spec.Attributes: a new attribute must say how it renders (nil for the
// ones written into imports or not rendered at all).
func TestEveryAttributeRenders(t *testing.T) {
	for _, a := range spec.Attributes {
		if _, ok := renderers[a.Name]; !ok {
			t.Errorf("attribute %q has no entry in renderers", a.Name)
		}
	}
	if len(renderers) != len(spec.Attributes) {
		t.Errorf("renderers has %d entries for %d attributes", len(renderers), len(spec.Attributes))
	}
}
