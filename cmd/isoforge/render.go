package main

import (
	"fmt"

	"github.com/isoforge/isoforge/engine/render"
	"github.com/isoforge/isoforge/engine/workspace"
	"github.com/isoforge/isoforge/spec"
	"github.com/spf13/cobra"
)

func newRenderCmd(s *streams, g *globals) *cobra.Command {
	var cf configFlags
	var dir string
	cmd := &cobra.Command{
		Use:   "render VARIANT",
		Short: "Print the NixOS module (iso.nix) generated for a variant",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, l, diags := cf.load(dir)
			writeDiagnostics(s.err, l.Files(), diags, g.color(s.err))
			if diags.HasErrors() {
				return &exitError{code: exitError1}
			}
			v, ok := cfg.Variant(args[0])
			if !ok {
				return &exitError{code: exitError1, err: unknownVariant(args[0], cfg.VariantNames())}
			}
			_, err := s.out.Write(render.Module(v, render.Options{Revision: lockedRevision(cfg)}))
			return err
		},
	}
	cf.register(cmd)
	cmd.Flags().StringVar(&dir, "dir", ".", "configuration `DIR`")
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

func unknownVariant(name string, names []string) error {
	return fmt.Errorf("no variant named %q%s; variants: %v", name, suggest(name, names), names)
}
