// Package workspace ties a decoded configuration to its lockfile, stat
// cache and nixpkgs pin: the state every plan, apply and lock starts from.
package workspace

import (
	"context"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/isoforge/isoforge/engine/apply"
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
	Cache    *fingerprint.StatCache
}

// Open loads the lockfile next to the configuration.
func Open(cfg *spec.Config) (*Workspace, hcl.Diagnostics) {
	lockPath := filepath.Join(cfg.Dir, lockfile.FileName)
	lock, diags := lockfile.LoadCached(lockPath, filepath.Join(cfg.Dir, apply.StateDir, "lock.json"))
	return &Workspace{
		Cfg: cfg, Lock: lock, LockPath: lockPath,
		Cache: fingerprint.LoadStatCache(filepath.Join(cfg.Dir, apply.StateDir, "statcache.json")),
	}, diags
}

// Pin returns the nixpkgs pin to build with, resolving a channel over the
// network only when the lock has none for it or update is set.
func (w *Workspace) Pin(ctx context.Context, r *pin.Resolver, update bool) (lockfile.Pin, bool, error) {
	return r.Current(ctx, w.Cfg.Nixpkgs, w.Cfg.Dir, w.Lock, update)
}

// Plan computes what an apply would do.
func (w *Workspace) Plan(p lockfile.Pin, opts plan.Options) (*plan.Plan, error) {
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
func (w *Workspace) CheckLocked() ([]Mismatch, error) {
	p, err := pin.Locked(w.Cfg.Nixpkgs, w.Cfg.Dir, w.Lock)
	if err != nil {
		return nil, err
	}
	var out []Mismatch
	for _, v := range w.Cfg.Variants {
		e, ok := w.Lock.Variant(v.Name)
		if !ok {
			out = append(out, Mismatch{v.Name, "not in " + lockfile.FileName})
			continue
		}
		_, res, err := plan.Inputs(w.Cfg, v, p)
		if err != nil {
			return nil, err
		}
		if res.Hash != e.InputsHash {
			out = append(out, Mismatch{v.Name, "inputs changed: " + changedNames(fingerprint.Diff(e.Inputs, res.Inputs))})
		}
	}
	for _, n := range w.Lock.VariantNames() {
		if _, ok := w.Cfg.Variant(n); !ok {
			out = append(out, Mismatch{n, "locked but no longer configured"})
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
