package main

import (
	"fmt"

	"github.com/isoforge/isoforge/cmd/isoforge/internal/views"
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
			ws, release, err := openLockedWorkspace(newOutput(s, g, false), &cf)
			if err != nil {
				return err
			}
			defer release()
			rt, err := rf.open(cmd.Context(), ws.Cfg)
			if err != nil {
				return err
			}
			defer rt.Close()
			n, files, err := apply.Cleanup(cmd.Context(), rt, ws.Cfg.Dir, ws.Cfg.OutputDir, all)
			if err != nil {
				return &exitError{code: exitError1, err: err}
			}
			fmt.Fprintf(s.out, "Removed %s and %s.\n", views.Plural(n, "container"), views.Plural(files, "temporary file"))
			return nil
		},
	}
	cf.register(cmd)
	rf.register(cmd)
	cmd.Flags().BoolVar(&all, "all", false, "remove every isoforge build container on the engine, not only this configuration's")
	return cmd
}
