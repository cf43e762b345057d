package main

import (
	"github.com/isoforge/isoforge/cmd/isoforge/internal/views"
	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/engine/workspace"
	"github.com/spf13/cobra"
)

type cleanFlags struct {
	cf        configFlags
	rf        runtimeFlags
	all       bool
	artifacts bool
	store     bool
}

func newCleanCmd(s *streams, g *globals) *cobra.Command {
	var f cleanFlags
	cmd := &cobra.Command{
		Use:   "clean",
		Short: "Remove leftovers of interrupted runs, stale artifacts (-artifacts), Nix store garbage (-store)",
		Long: `Without flags, clean removes what an interrupted apply left behind: this
configuration's build containers (found by their io.isoforge.* labels),
temporary files in the output directory and work directories under
.isoforge/. With -all it removes every isoforge build container on the
engine.

-artifacts removes, without asking, the artifacts in the output directory
that belong to no configured variant (.iso, .qcow2, .img files left by
removed or renamed variants) and lists them. It needs no engine.

-store garbage-collects the Nix store volume: nix-collect-garbage in a
builder container. isoforge keeps no GC roots (build results are copied
out and their links removed), so this is a full collection: the next
build of each variant fetches or rebuilds what it needs. It reports the
space Nix freed.

Clean never touches the lockfile or containers that are not isoforge's,
and refuses to run while an apply holds the directory.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o := newOutput(s, g, false)
			ws, release, err := openLockedWorkspace(o, &f.cf)
			if err != nil {
				return err
			}
			defer release()
			if f.artifacts {
				if err := cleanArtifacts(o.v, ws); err != nil {
					return o.fail(err)
				}
			}
			if f.store {
				if err := cleanStore(cmd, o.v, ws, &f.rf); err != nil {
					return o.fail(err)
				}
			}
			if f.artifacts || f.store {
				return nil
			}
			if err := cleanLeftovers(cmd, o.v, ws, &f); err != nil {
				return o.fail(err)
			}
			return nil
		},
	}
	f.cf.register(cmd)
	f.rf.register(cmd)
	cmd.Flags().BoolVar(&f.all, "all", false, "remove every isoforge build container on the engine, not only this configuration's")
	cmd.Flags().BoolVar(&f.artifacts, "artifacts", false, "remove artifacts of variants no longer configured, and list them")
	cmd.Flags().BoolVar(&f.store, "store", false, "garbage-collect the Nix store volume (nix-collect-garbage) and report the space freed")
	return cmd
}

// cleanLeftovers removes an interrupted run's containers and files.
func cleanLeftovers(cmd *cobra.Command, v *views.View, ws *workspace.Workspace, f *cleanFlags) error {
	rt, err := f.rf.open(cmd.Context(), ws.Cfg)
	if err != nil {
		return err
	}
	defer rt.Close()
	n, files, err := apply.Cleanup(cmd.Context(), rt, ws.Cfg.Dir, ws.Cfg.OutputDir, f.all)
	if err != nil {
		return err
	}
	v.Cleaned(n, files)
	return nil
}
