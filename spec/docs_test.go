package spec_test

import (
	"os"
	"strings"
	"testing"

	"github.com/isoforge/isoforge/spec"
)

const (
	attrsBegin = "<!-- attributes:begin (generated from spec.Attributes; go test ./spec -update) -->\n"
	attrsEnd   = "<!-- attributes:end -->"
)

// TestDocsListEveryAttribute keeps docs/isos-hcl.md's attribute table
// equal to the one spec.Attributes generates.
func TestDocsListEveryAttribute(t *testing.T) {
	const path = "../docs/isos-hcl.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i, j := strings.Index(doc, attrsBegin), strings.Index(doc, attrsEnd)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the markers %q ... %q", path, attrsBegin, attrsEnd)
	}
	got, want := doc[i+len(attrsBegin):j], spec.AttributesMarkdown()
	if got == want {
		return
	}
	if *update {
		doc = doc[:i+len(attrsBegin)] + want + doc[j:]
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s's attribute table differs from spec.Attributes; run go test ./spec -update.\nwant:\n%s", path, want)
}

const (
	formatsBegin = "<!-- formats:begin (generated from spec's formats table; go test ./spec -update) -->\n"
	formatsEnd   = "<!-- formats:end -->"
)

// TestDocsListEveryFormat keeps docs/formats.md's table equal to the one
// the formats table generates.
func TestDocsListEveryFormat(t *testing.T) {
	const path = "../docs/formats.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i, j := strings.Index(doc, formatsBegin), strings.Index(doc, formatsEnd)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the markers %q ... %q", path, formatsBegin, formatsEnd)
	}
	got, want := doc[i+len(formatsBegin):j], spec.FormatsMarkdown()
	if got == want {
		return
	}
	if *update {
		doc = doc[:i+len(formatsBegin)] + want + doc[j:]
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("%s's format table differs from the formats table; run go test ./spec -update.\nwant:\n%s", path, want)
}
