package views

import (
	"fmt"
	"io"
)

// ListJSON is `list -json` (docs/list.schema.json).
type ListJSON struct {
	FormatVersion string          `json:"format_version"`
	Variants      []ListedVariant `json:"variants"`
	Diagnostics   []Diagnostic    `json:"diagnostics"`
}

// ListedVariant is one line of `isoforge list`.
type ListedVariant struct {
	Name     string `json:"name"`
	Format   string `json:"format"`
	System   string `json:"system"`
	Artifact string `json:"artifact"`
	// State is "built", "pending" or "drift".
	State string `json:"state"`
}

// ListHuman prints the variants as a table.
func ListHuman(w io.Writer, items []ListedVariant) {
	rows := [][]string{{"VARIANT", "FORMAT", "SYSTEM", "ARTIFACT", "STATE"}}
	for _, it := range items {
		rows = append(rows, []string{it.Name, it.Format, it.System, it.Artifact, it.State})
	}
	writeColumns(w, rows)
}

// FormatsJSON is `formats -json` (docs/formats.schema.json).
type FormatsJSON struct {
	FormatVersion string       `json:"format_version"`
	Formats       []FormatInfo `json:"formats"`
}

// FormatInfo describes one supported image format.
type FormatInfo struct {
	Name      string `json:"name"`
	Extension string `json:"extension"`
	// MinNixOS is the first NixOS release that builds it, or "any".
	MinNixOS  string `json:"min_nixos"`
	NeedsKVM  bool   `json:"needs_kvm"`
	Attribute string `json:"attribute"`
	Summary   string `json:"summary"`
}

// FormatsHuman prints the formats as a table.
func FormatsHuman(w io.Writer, list []FormatInfo) {
	rows := [][]string{{"FORMAT", "EXT", "NIXOS", "KVM", "DESCRIPTION"}}
	for _, f := range list {
		kvm := "no"
		if f.NeedsKVM {
			kvm = "yes"
		}
		nixos := f.MinNixOS
		if nixos != "any" {
			nixos = ">= " + nixos
		}
		rows = append(rows, []string{f.Name, f.Extension, nixos, kvm, f.Summary})
	}
	writeColumns(w, rows)
}

// writeColumns prints rows with columns as wide as their content; the
// last column is not padded.
func writeColumns(w io.Writer, rows [][]string) {
	widths := map[int]int{}
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	for _, r := range rows {
		for i, c := range r {
			if i == len(r)-1 {
				fmt.Fprintln(w, c)
				continue
			}
			fmt.Fprintf(w, "%-*s  ", widths[i], c)
		}
	}
}
