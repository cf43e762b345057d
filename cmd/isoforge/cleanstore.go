package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/isoforge/isoforge/cmd/isoforge/internal/views"
	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/engine/workspace"
	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/spec"
	"github.com/isoforge/isoforge/spec/lazyregexp"
	"github.com/spf13/cobra"
)

// cleanArtifacts removes the artifacts in the output directory that no
// configured variant writes. Only files with an artifact extension are
// candidates, and every removal goes through an os.Root of the output
// directory, so nothing outside it can be reached through symlinks.
func cleanArtifacts(v *views.View, ws *workspace.Workspace) error {
	outDir := filepath.Join(ws.Cfg.Dir, filepath.FromSlash(ws.Cfg.OutputDir))
	root, err := os.OpenRoot(outDir)
	if errors.Is(err, os.ErrNotExist) {
		v.NoStaleArtifacts(ws.Cfg.OutputDir)
		return nil
	}
	if err != nil {
		return fmt.Errorf("opening the output directory: %w", err)
	}
	defer root.Close()
	entries, err := fs.ReadDir(root.FS(), ".")
	if err != nil {
		return fmt.Errorf("listing the output directory: %w", err)
	}
	var removed []string
	for _, e := range entries {
		if !e.Type().IsRegular() || !staleArtifact(ws.Cfg, e.Name()) {
			continue
		}
		if err := root.Remove(e.Name()); err != nil {
			return fmt.Errorf("removing %s: %w", e.Name(), err)
		}
		removed = append(removed, e.Name())
		v.RemovedArtifact(filepath.ToSlash(filepath.Join(ws.Cfg.OutputDir, e.Name())))
	}
	if len(removed) == 0 {
		v.NoStaleArtifacts("")
	}
	return nil
}

// staleArtifact reports whether name has an artifact extension and no
// configured variant writes it.
func staleArtifact(cfg *spec.Config, name string) bool {
	for _, v := range cfg.Variants {
		if v.FileName == name {
			return false
		}
	}
	var exts []string
	for _, f := range spec.FormatNames() {
		format, _ := spec.LookupFormat(f)
		exts = append(exts, format.Ext)
	}
	return slices.Contains(exts, filepath.Ext(name))
}

// gcFreedRe matches nix-collect-garbage's summary line, e.g.
// "42 store paths deleted, 12.34 MiB freed".
var gcFreedRe = lazyregexp.New(`^\d+ store paths? deleted, [0-9.]+ [KMGT]?i?B freed$`)

// cleanStore runs nix-collect-garbage against the store volume in a
// builder container and reports what Nix freed.
func cleanStore(cmd *cobra.Command, v *views.View, ws *workspace.Workspace, rf *runtimeFlags) error {
	ctx := cmd.Context()
	rt, err := rf.open(ctx, ws.Cfg)
	if err != nil {
		return err
	}
	defer rt.Close()
	name := ws.Cfg.Runtime.NixVolume
	vol, err := rt.Volume(ctx, name)
	if err != nil {
		return fmt.Errorf("inspecting the store volume %s: %w", name, err)
	}
	if !vol.Exists {
		v.StoreCollected(name, "")
		return nil
	}
	var tail []string
	summary := ""
	code, err := rt.Run(ctx, runtimes.ContainerSpec{
		Name:    "isoforge-gc-" + newRunID(),
		Image:   ws.Cfg.Runtime.Image,
		Command: []string{"/bin/sh", "-c", "nix-collect-garbage"},
		Volumes: []runtimes.VolumeMount{{Name: name, Target: "/nix"}},
		Labels:  apply.Labels(ws.Cfg.Dir, "_gc", newRunID()),
	}, func(_, line string) {
		if gcFreedRe.MatchString(strings.TrimSpace(line)) {
			summary = strings.TrimSpace(line)
		}
		tail = append(tail[max(0, len(tail)-9):], line)
	})
	if err != nil {
		return fmt.Errorf("running nix-collect-garbage on %s: %w", name, err)
	}
	if code != 0 {
		return fmt.Errorf("nix-collect-garbage on %s exited %d; its last lines:\n%s", name, code, strings.Join(tail, "\n"))
	}
	if summary == "" {
		summary = "nix-collect-garbage printed no summary"
	}
	v.StoreCollected(name, summary)
	return nil
}
