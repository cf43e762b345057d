package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcled"
	"github.com/isoforge/isoforge/cmd/isoforge/internal/views"
	"github.com/isoforge/isoforge/spec"
	"github.com/spf13/cobra"
)

func newShowCmd(s *streams, g *globals) *cobra.Command {
	var cf configFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show [VARIANT]",
		Short: "Print a variant's effective settings and where each value comes from",
		Long: `Show prints the settings of VARIANT (default: every variant) after
defaults, inherits and for_each, and where each value comes from: the
defaults block, a parent variant (inherits "networked"), the variant's own
block, or isoforge's default. A for_each base or an abstract name shows
every variant built from it.`,
		Args:              cobra.MaximumNArgs(1),
		ValidArgsFunction: completeVariants(&cf),
		RunE: func(cmd *cobra.Command, args []string) error {
			o := newOutput(s, g, asJSON)
			cfg, l, diags := cf.load(".")
			o.diagnostics(diags, l.Files())
			if diags.HasErrors() {
				return o.fail(nil)
			}
			selected, err := selectVariants(cfg, args)
			if err != nil {
				return o.fail(err)
			}
			shown := make([]views.ShownVariant, 0, len(selected))
			for _, v := range selected {
				shown = append(shown, showVariant(cfg, l.Files(), v))
			}
			if asJSON {
				return views.WriteJSON(s.out, views.ShowJSON{FormatVersion: views.FormatVersion, Variants: shown, Diagnostics: o.diagnosticsJSON()})
			}
			views.ShowHuman(s.out, shown)
			return nil
		},
	}
	cf.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the settings as JSON")
	return cmd
}

// selectVariants returns the named variant, the variants a for_each base
// or abstract name produced, or all of them.
func selectVariants(cfg *spec.Config, args []string) ([]spec.Variant, error) {
	if len(args) == 0 {
		return cfg.Variants, nil
	}
	if v, ok := cfg.Variant(args[0]); ok {
		return []spec.Variant{v}, nil
	}
	var out []spec.Variant
	for _, name := range expandedFrom(cfg, args[0]) {
		v, _ := cfg.Variant(name)
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil, unknownVariant(cfg, args[0])
	}
	return out, nil
}

// showVariant lists every attribute with its value and origin.
func showVariant(cfg *spec.Config, files map[string]*hcl.File, v spec.Variant) views.ShownVariant {
	sv := views.ShownVariant{Name: v.Name, Block: v.Block, Lineage: nonNilStrings(v.Lineage),
		Artifact: filepath.ToSlash(filepath.Join(cfg.OutputDir, v.FileName))}
	for _, a := range spec.Attributes {
		set := views.ShownSetting{Name: a.Name, Value: settingValue(a, v), Source: "default"}
		if rng, ok := v.Ranges[a.Name]; ok {
			set.Source, set.From = settingSource(files, rng, v.Block)
			rel, err := filepath.Rel(cfg.Dir, rng.Filename)
			if err != nil {
				rel = rng.Filename
			}
			set.Location = fmt.Sprintf("%s:%d", filepath.ToSlash(rel), rng.Start.Line)
		} else if s, ok := set.Value.(string); ok && s == "" {
			set.Value = nil // unset: NixOS keeps its own default
		}
		sv.Settings = append(sv.Settings, set)
	}
	return sv
}

// settingSource names the block a value was written in: "defaults", the
// variant's own block ("variant"), or a parent ("inherits", NAME).
func settingSource(files map[string]*hcl.File, rng hcl.Range, block string) (string, string) {
	f := files[rng.Filename]
	if f == nil {
		return "variant", ""
	}
	ctx := hcled.ContextString(f, rng.Start.Byte)
	switch {
	case ctx == "defaults":
		return "defaults", ""
	case ctx == fmt.Sprintf("variant %q", block):
		return "variant", ""
	case strings.HasPrefix(ctx, "variant "):
		return "inherits", strings.Trim(strings.TrimPrefix(ctx, "variant "), `"`)
	}
	return "variant", ""
}

// settingValue is an attribute's effective value for display: strings
// and lists as such; the wifi passphrase and key are never shown.
func settingValue(a spec.Attribute, v spec.Variant) any {
	switch {
	case a.Name == "wifi":
		if v.Wifi == nil {
			return nil
		}
		return map[string]string{"ssid": v.Wifi.SSID, "psk": "(sensitive)"}
	case a.Type.IsListType():
		text := a.Text(&v)
		if text == "" {
			return []string{}
		}
		return strings.Split(text, "\n")
	}
	return a.Text(&v)
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
