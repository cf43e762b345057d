package views

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// ShowJSON is `show -json` (docs/show.schema.json).
type ShowJSON struct {
	FormatVersion string         `json:"format_version"`
	Variants      []ShownVariant `json:"variants"`
	Diagnostics   []Diagnostic   `json:"diagnostics"`
}

// ShownVariant is one variant's effective settings.
type ShownVariant struct {
	Name     string         `json:"name"`
	Block    string         `json:"block"`
	Lineage  []string       `json:"inherits"`
	Artifact string         `json:"artifact"`
	Settings []ShownSetting `json:"settings"`
}

// ShownSetting is one attribute: its value and where it came from.
type ShownSetting struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
	// Source is "variant", "inherits" (From names the parent),
	// "defaults" or "default" (isoforge's own default).
	Source   string `json:"source"`
	From     string `json:"from,omitempty"`
	Location string `json:"location,omitempty"`
}

// ShowHuman prints variants as aligned attribute lines.
func ShowHuman(w io.Writer, vs []ShownVariant) {
	for i, v := range vs {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "variant %q%s\n", v.Name, origin(v))
		for _, s := range v.Settings {
			fmt.Fprintf(w, "  %-20s = %-40s # %s\n", s.Name, valueText(s.Value), sourceText(s))
		}
	}
}

func origin(v ShownVariant) string {
	var parts []string
	if v.Block != v.Name {
		parts = append(parts, fmt.Sprintf("for_each of %q", v.Block))
	}
	if len(v.Lineage) > 0 {
		parts = append(parts, "inherits "+strings.Join(v.Lineage, ", "))
	}
	parts = append(parts, "writes "+v.Artifact)
	return " (" + strings.Join(parts, "; ") + ")"
}

func sourceText(s ShownSetting) string {
	switch s.Source {
	case "inherits":
		return fmt.Sprintf("inherits %q, %s", s.From, s.Location)
	case "default":
		return "default"
	}
	return s.Source + ", " + s.Location
}

// valueText writes a value in HCL-like syntax; multi-line strings (nix)
// are summarised by their line count.
func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		if n := strings.Count(x, "\n"); n > 0 {
			return fmt.Sprintf("<<EOT (%d lines)", n+1)
		}
		return fmt.Sprintf("%q", x)
	case map[string]string:
		return fmt.Sprintf("{ ssid = %q, psk = %s }", x["ssid"], x["psk"])
	}
	b, _ := json.Marshal(v)
	return strings.ReplaceAll(string(b), `","`, `", "`)
}
