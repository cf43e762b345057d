// Package workspace ties a decoded configuration to its lockfile, stat
// cache and nixpkgs pin: the state every plan, apply and lock starts
// from. It owns .isoforge/: its paths, the directory lock and cleanup.
package workspace

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/isoforge/isoforge/engine/fingerprint"
	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/engine/pin"
	"github.com/isoforge/isoforge/engine/plan"
	"github.com/isoforge/isoforge/spec"
)

// Workspace is a configuration with its lock.
type Workspace struct {
	Cfg      *spec.Config
	Lock     *lockfile.Lock
	LockPath string
	// LockFile is the parsed lockfile source, for diagnostic snippets
	// (nil when the lock came from the parse cache or does not exist).
	LockFile *hcl.File
	Cache    *fingerprint.StatCache
}

// ConfigID identifies a configuration directory (container labels, the
// lock parse cache).
func ConfigID(dir string) string {
	sum := sha256.Sum256([]byte(dir))
	return hex.EncodeToString(sum[:6])
}

// Open loads the lockfile next to the configuration, after refusing
// symlinked state and output directories.
func Open(cfg *spec.Config) (*Workspace, hcl.Diagnostics) {
	lockPath := filepath.Join(cfg.Dir, lockfile.FileName)
	ws := &Workspace{Cfg: cfg, Lock: lockfile.New(), LockPath: lockPath, Cache: fingerprint.LoadStatCache("")}
	if diags := CheckLinks(cfg.Dir, filepath.FromSlash(cfg.OutputDir)); diags.HasErrors() {
		return ws, diags
	}
	lock, f, diags := lockfile.LoadCached(lockPath, lockCachePath(cfg.Dir))
	ws.Lock, ws.LockFile = lock, f
	ws.Cache = fingerprint.LoadStatCache(statCachePath(cfg.Dir))
	return ws, diags
}

// Pin returns the nixpkgs pin to build with, resolving a channel over the
// network only when the lock has none for it or update is set.
func (w *Workspace) Pin(ctx context.Context, r *pin.Resolver, update bool) (lockfile.Pin, bool, error) {
	return r.Current(ctx, w.Cfg.Nixpkgs, w.Cfg.Dir, w.Lock, update)
}

// LockedImageID is the builder image's ID recorded in the lock for the
// configured image reference, or "" (offline: plan uses it; apply asks
// the engine).
func (w *Workspace) LockedImageID() string {
	if b, ok := w.Lock.Builder(); ok && b.Image == w.Cfg.Runtime.Image {
		return b.ID
	}
	return ""
}

// Plan computes what an apply would do. Without opts.ImageID it uses the
// lock's image ID for the configured reference (offline).
func (w *Workspace) Plan(p lockfile.Pin, opts plan.Options) (*plan.Plan, error) {
	if opts.ImageID == "" {
		opts.ImageID = w.LockedImageID()
	}
	pl, err := plan.Build(w.Cfg, w.Lock, p, w.Cache, opts)
	if err == nil {
		_ = w.Cache.Save()
	}
	return pl, err
}

// Mismatch is a variant whose inputs differ from its lock entry.
type Mismatch struct {
	Variant string
	Reason  string
}

// CheckLocked compares every variant's inputs hash with the lock, offline
// and without touching artifacts: the CI and pre-commit guard.
func (w *Workspace) CheckLocked(ctx context.Context) ([]Mismatch, error) {
	p, err := pin.Locked(ctx, w.Cfg.Nixpkgs, w.Cfg.Dir, w.Lock)
	if err != nil {
		return nil, err
	}
	pl, err := plan.Build(w.Cfg, w.Lock, p, w.Cache, plan.Options{NoRefresh: true, ImageID: w.LockedImageID()})
	if err != nil {
		return nil, err
	}
	var out []Mismatch
	for _, a := range pl.Actions {
		switch a.Kind {
		case plan.Create:
			out = append(out, Mismatch{a.Variant, "not in " + lockfile.FileName})
		case plan.Rebuild:
			if a.Drift {
				out = append(out, Mismatch{a.Variant, strings.Join(a.Reasons, "; ")})
				continue
			}
			out = append(out, Mismatch{a.Variant, "inputs changed: " + changedNames(fingerprint.Diff(a.Locked.Inputs, a.Inputs.Inputs))})
		case plan.Remove:
			out = append(out, Mismatch{a.Variant, "locked but no longer configured"})
		}
	}
	return out, nil
}

func changedNames(changes []fingerprint.Change) string {
	names := make([]string, len(changes))
	for i, c := range changes {
		names[i] = c.Name + " " + c.How
	}
	return strings.Join(names, ", ")
}
