package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/isoforge/isoforge/engine/render"
	"github.com/isoforge/isoforge/engine/workspace"
	"github.com/isoforge/isoforge/spec"
	"github.com/spf13/cobra"
)

func newRenderCmd(s *streams, g *globals) *cobra.Command {
	var cf configFlags
	cmd := &cobra.Command{
		Use:   "render VARIANT",
		Short: "Print the NixOS module (iso.nix) generated for a variant",
		Long: `Render prints the NixOS module isoforge generates for VARIANT, as the
builder receives it. For a for_each base or an abstract variant it says
which buildable variants exist under that name. The configuration is
read from the current directory, or -chdir.`,
		Args:              cobra.ExactArgs(1),
		ValidArgsFunction: completeVariants(&cf),
		RunE: func(cmd *cobra.Command, args []string) error {
			o := newOutput(s, g, false)
			cfg, l, diags := cf.load(".")
			o.diagnostics(diags, l.Files())
			if diags.HasErrors() {
				return o.fail(nil)
			}
			v, ok := cfg.Variant(args[0])
			if !ok {
				return o.fail(unknownVariant(cfg, args[0]))
			}
			return o.v.Raw(render.Module(v, render.Options{Revision: lockedRevision(cfg)}))
		},
	}
	cf.register(cmd)
	return cmd
}

// lockedRevision is the nixpkgs revision builds would use, without the
// network: the configured rev, or the channel's pin in the lock.
func lockedRevision(cfg *spec.Config) string {
	if cfg.Nixpkgs.Rev != "" || cfg.Nixpkgs.Channel == "" {
		return cfg.Nixpkgs.Rev
	}
	ws, diags := workspace.Open(cfg)
	if diags.HasErrors() {
		return ""
	}
	if p, ok := ws.Lock.Pin(); ok && p.Channel == cfg.Nixpkgs.Channel {
		return p.Rev
	}
	return ""
}

// unknownVariant explains a name that is no buildable variant: a for_each
// base or an abstract parent lists the variants built from it.
func unknownVariant(cfg *spec.Config, name string) error {
	names := cfg.VariantNames()
	var fromBlock, inheriting []string
	for _, v := range cfg.Variants {
		if v.Block == name {
			fromBlock = append(fromBlock, v.Name)
		}
		if slices.Contains(v.Lineage, name) {
			inheriting = append(inheriting, v.Name)
		}
	}
	switch {
	case len(fromBlock) > 0:
		return fmt.Errorf("%q is a for_each block, not a variant: it expands to %s; name one of those", name, strings.Join(fromBlock, ", "))
	case len(inheriting) > 0:
		return fmt.Errorf("%q is an abstract variant and is not built; variants inheriting from it: %s", name, strings.Join(inheriting, ", "))
	}
	return fmt.Errorf("no variant named %q%s; variants: %s", name, suggest(name, names), strings.Join(names, ", "))
}

// expandedFrom lists the buildable variants a for_each base or an
// abstract variant (through inherits) produced.
func expandedFrom(cfg *spec.Config, name string) []string {
	var out []string
	for _, v := range cfg.Variants {
		if v.Block == name || slices.Contains(v.Lineage, name) {
			out = append(out, v.Name)
		}
	}
	return out
}
