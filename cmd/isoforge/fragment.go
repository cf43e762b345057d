package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/isoforge/isoforge/cmd/isoforge/internal/views"
	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/engine/fingerprint"
	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/engine/plan"
	"github.com/isoforge/isoforge/engine/workspace"
	"github.com/spf13/cobra"
)

// checkCommittedPin fails a fan-out job early: every job must build with
// the nixpkgs pin committed in the lock, or their fragments cannot merge.
func checkCommittedPin(ws *workspace.Workspace, pl *plan.Plan) error {
	locked, ok := ws.Lock.Pin()
	if !ok || locked != pl.Pin {
		return &exitError{code: exitError1, err: fmt.Errorf("-lock-out needs the nixpkgs pin committed in %s, so that every CI job builds with the same nixpkgs: run `isoforge lock` and commit %s before fanning out", lockfile.FileName, lockfile.FileName)}
	}
	return nil
}

// writeFragment writes the lock entries of the variants this run built.
func writeFragment(path string, ws *workspace.Workspace, pin lockfile.Pin, imageID string, results []apply.Result) error {
	f := lockfile.Fragment{Pin: pin, Variants: map[string]lockfile.Entry{}}
	if imageID != "" {
		f.Builder = lockfile.Builder{Image: ws.Cfg.Runtime.Image, ID: imageID}
	}
	for _, r := range results {
		if !r.Built {
			continue
		}
		if e, ok := ws.Lock.Variant(r.Variant); ok {
			f.Variants[r.Variant] = e
		}
	}
	if err := lockfile.WriteFragment(path, f); err != nil {
		return fmt.Errorf("writing the lock fragment: %w", err)
	}
	return nil
}

func newLockMergeCmd(s *streams, g *globals) *cobra.Command {
	var cf configFlags
	cmd := &cobra.Command{
		Use:   "merge FRAGMENT...",
		Short: "Merge CI jobs' lock fragments (apply -lock-out) into isos.lock.hcl",
		Long: `Merge is the last job of a CI fan-out (docs/ci.md): each job ran
'apply -target V -lock-out fragment.json'; merge folds the fragments into
the committed isos.lock.hcl. It checks every fragment entry's inputs hash
against the current configuration and, when the artifact is present in
the output directory, its sha256; it refuses fragments built with
another nixpkgs pin and two fragments for one variant.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o := newOutput(s, g, false)
			ws, release, err := openLockedWorkspace(o, &cf)
			if err != nil {
				return err
			}
			defer release()
			merged, err := mergeFragments(ws, args)
			if err != nil {
				return o.fail(err)
			}
			if err := merged.Save(ws.LockPath); err != nil {
				return o.fail(err)
			}
			fmt.Fprintf(o.v.Out, "Merged %s into %s.\n", views.Plural(len(args), "fragment"), lockfile.FileName)
			return nil
		},
	}
	cf.register(cmd)
	return cmd
}

func mergeFragments(ws *workspace.Workspace, files []string) (*lockfile.Lock, error) {
	var frags []lockfile.NamedFragment
	for _, name := range files {
		f, err := lockfile.ReadFragment(name)
		if err != nil {
			return nil, err
		}
		frags = append(frags, lockfile.NamedFragment{Name: name, Fragment: f})
	}
	merged, err := lockfile.MergeFragments(ws.Lock, frags)
	if err != nil {
		return nil, err
	}
	pin, _ := ws.Lock.Pin()
	var errs []error
	for _, f := range frags {
		for n, e := range f.Variants {
			if err := checkFragmentEntry(ws, pin, f.Builder.ID, f.Name, n, e); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return merged, errors.Join(errs...)
}

// checkFragmentEntry: the entry describes the current configuration of
// its variant, and its artifact, when present here, matches it.
func checkFragmentEntry(ws *workspace.Workspace, pin lockfile.Pin, imageID, file, name string, e lockfile.Entry) error {
	v, ok := ws.Cfg.Variant(name)
	if !ok {
		return fmt.Errorf("%s: variant %s is not in the configuration", file, name)
	}
	_, res, err := plan.Inputs(ws.Cfg, v, pin, plan.Options{ImageID: imageID})
	if err != nil {
		return err
	}
	if res.Hash != e.InputsHash {
		return fmt.Errorf("%s: variant %s was built from other inputs (%s) than the configuration here has (%s): rebuild it from this commit", file, name, e.InputsHash, res.Hash)
	}
	if strings.Contains(e.Artifact, "..") || filepath.IsAbs(e.Artifact) {
		return fmt.Errorf("%s: variant %s names an artifact outside the configuration: %s", file, name, e.Artifact)
	}
	sum, _, err := fingerprint.FileSum(filepath.Join(ws.Cfg.Dir, filepath.FromSlash(e.Artifact)))
	switch {
	case errors.Is(err, os.ErrNotExist) || errors.Is(err, fingerprint.ErrMissing):
		return nil // the artifact stays with the CI job's upload
	case err != nil:
		return err
	case sum != e.SHA256:
		return fmt.Errorf("%s: %s does not match the sha256 the fragment records for variant %s", file, e.Artifact, name)
	}
	return nil
}
