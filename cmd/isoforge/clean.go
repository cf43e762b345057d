package main

import (
	"fmt"

	"github.com/isoforge/isoforge/spec"

	"github.com/isoforge/isoforge/engine/apply"
	"github.com/spf13/cobra"
)

func newCleanCmd(s *streams, g *globals) *cobra.Command {
	var cf configFlags
	var rf runtimeFlags
	var all bool
	cmd := &cobra.Command{
		Use:   "clean",
		Short: "Remove leftovers of interrupted runs: containers, temporary files, work directories",
		Long: `Clean removes what an interrupted apply left behind: this configuration's
build containers (found by their io.isoforge.* labels), temporary files in
the output directory and work directories under .isoforge/. With -all it
removes every isoforge build container on the engine. It never touches
artifacts, the lockfile or other containers, and refuses to run while an
apply holds the directory.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ws, release, err := openLockedWorkspace(s, g, &cf)
			if err != nil {
				return err
			}
			defer release()
			pool, err := cleanPool(cmd, s, &rf, ws.Cfg)
			if err != nil {
				return err
			}
			defer closePool(pool)
			n, files := 0, 0
			for _, b := range pool {
				c, f, err := apply.Cleanup(cmd.Context(), b.Runtime, ws.Cfg.Dir, ws.Cfg.OutputDir, all)
				n, files = n+c, files+f
				if err != nil {
					return &exitError{code: exitError1, err: fmt.Errorf("builder %s: %w", b.Name, err)}
				}
			}
			fmt.Fprintf(s.out, "Removed %s and %s.\n", plural(n, "container"), plural(files, "temporary file"))
			return nil
		},
	}
	cf.register(cmd)
	rf.register(cmd)
	cmd.Flags().BoolVar(&all, "all", false, "remove every isoforge build container on the engine, not only this configuration's")
	return cmd
}

// cleanPool is every builder block's engine, or the single engine.
func cleanPool(cmd *cobra.Command, s *streams, rf *runtimeFlags, cfg *spec.Config) ([]apply.Builder, error) {
	if len(cfg.Builders) > 0 {
		return rf.openPool(cmd.Context(), s.err, cfg)
	}
	rt, err := rf.open(cmd.Context(), cfg)
	if err != nil {
		return nil, err
	}
	return []apply.Builder{{Name: apply.DefaultBuilder, Runtime: rt}}, nil
}
