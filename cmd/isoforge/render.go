package main

import (
	"fmt"

	"github.com/isoforge/isoforge/engine/render"
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
			_, err := s.out.Write(render.Module(v))
			return err
		},
	}
	cf.register(cmd)
	cmd.Flags().StringVar(&dir, "dir", ".", "configuration `DIR`")
	return cmd
}

func unknownVariant(name string, names []string) error {
	return fmt.Errorf("no variant named %q%s; variants: %v", name, suggest(name, names), names)
}
