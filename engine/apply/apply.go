// Package apply carries out a plan: it builds the changed variants in
// containers, in parallel, copies and checksums their artifacts, and
// records each success in the lockfile as soon as it happens.
package apply

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/isoforge/isoforge/engine/fingerprint"
	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/engine/plan"
	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/spec"
	"golang.org/x/sync/errgroup"
)

// StateDir is the uncommitted directory for work files, logs and caches.
const StateDir = ".isoforge"

// Options tune an apply.
type Options struct {
	Parallelism int
	// Abort cancels every build after the first failure; otherwise the
	// others finish (-on-error=continue).
	Abort bool
	// Prune deletes the artifacts of removed variants.
	Prune bool
	// RunID labels this run's containers.
	RunID string
	// ShowTrace passes --show-trace to nix-build.
	ShowTrace bool
	// Events receives progress; it is called from several goroutines.
	Events func(Event)
	// Test, when set, tests each freshly built artifact (apply -test)
	// at its staged path before it replaces the previous one; an error
	// fails the variant and keeps the previous artifact.
	Test func(ctx context.Context, v spec.Variant, artifact string) error
}

// Applier holds what an apply needs.
type Applier struct {
	Cfg      *spec.Config
	Lock     *lockfile.Lock
	LockPath string
	Runtime  runtimes.Runtime
	Cache    *fingerprint.StatCache

	mu      sync.Mutex // serialises lock writes between workers
	results []Result
}

// Result is the outcome of one action.
type Result struct {
	Variant  string
	Kind     plan.Kind
	Built    bool
	Err      error
	Duration time.Duration
	Artifact string
	SHA256   string
	Size     int64
	LogPath  string
}

// ErrBuildsFailed is returned when at least one build failed.
var ErrBuildsFailed = errors.New("some builds failed")

// Apply carries out p. The plan's pin is saved first; removals and
// builds follow. It returns the results of every action.
func (a *Applier) Apply(ctx context.Context, p *plan.Plan, o Options) ([]Result, error) {
	if err := a.savePin(p.Pin); err != nil {
		return nil, err
	}
	if err := a.removeStale(p, o.Prune); err != nil {
		return nil, err
	}
	var builds []plan.Action
	for _, act := range p.Actions {
		if act.Builds() {
			builds = append(builds, act)
		} else if act.Kind == plan.NoOp {
			a.record(Result{Variant: act.Variant, Kind: act.Kind, Artifact: act.Artifact})
		}
	}
	if len(builds) > 0 {
		if err := a.prepare(ctx, o.RunID); err != nil {
			return a.results, err
		}
		a.runBuilds(ctx, p.Pin, builds, o)
	}
	engine := ""
	if a.Runtime != nil {
		engine = a.Runtime.Name()
	}
	if err := writeOutputs(a.Cfg, a.Lock, p.Pin, a.results, engine); err != nil {
		return a.results, err
	}
	_ = a.Cache.Save()
	return a.results, a.outcome(ctx)
}

func (a *Applier) outcome(ctx context.Context) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	for _, r := range a.results {
		if r.Err != nil {
			return ErrBuildsFailed
		}
	}
	return nil
}

func (a *Applier) savePin(p lockfile.Pin) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if old, ok := a.Lock.Pin(); ok && old == p {
		return nil
	}
	a.Lock.SetPin(p)
	return a.Lock.Save(a.LockPath)
}

// removeStale forgets variants no longer configured: the lock entry goes
// first, so the lock never names an artifact that is gone.
func (a *Applier) removeStale(p *plan.Plan, prune bool) error {
	for _, act := range p.Actions {
		if act.Kind != plan.Remove {
			continue
		}
		a.mu.Lock()
		a.Lock.RemoveVariant(act.Variant)
		err := a.Lock.Save(a.LockPath)
		a.mu.Unlock()
		if err != nil {
			return err
		}
		if prune {
			if err := os.Remove(a.artifactFile(act.Artifact)); err != nil && !os.IsNotExist(err) {
				return fmt.Errorf("pruning %s: %w", act.Artifact, err)
			}
		}
		a.record(Result{Variant: act.Variant, Kind: plan.Remove, Artifact: act.Artifact})
	}
	return nil
}

func (a *Applier) prepare(ctx context.Context, runID string) error {
	if err := a.Runtime.EnsureImage(ctx, a.Cfg.Runtime.Image); err != nil {
		return err
	}
	created, err := a.Runtime.EnsureVolume(ctx, a.Cfg.Runtime.NixVolume)
	if err != nil || !created {
		return err
	}
	return a.initStore(ctx, runID)
}

// initStore opens the Nix store of a new volume once, alone: parallel
// builders initialising one empty store race on its directories.
func (a *Applier) initStore(ctx context.Context, runID string) error {
	var tail []string
	code, err := a.Runtime.Run(ctx, runtimes.ContainerSpec{
		Name:    containerName("init", runID),
		Image:   a.Cfg.Runtime.Image,
		Command: []string{"/bin/sh", "-c", "nix-instantiate --eval --expr 1 >/dev/null"},
		Volumes: []runtimes.VolumeMount{{Name: a.Cfg.Runtime.NixVolume, Target: storeMount}},
		Labels:  Labels(a.Cfg.Dir, "_init", runID),
	}, func(_, line string) { tail = append(tail, line) })
	if err != nil {
		return fmt.Errorf("initialising the Nix store volume %s: %w", a.Cfg.Runtime.NixVolume, err)
	}
	if code != 0 {
		return fmt.Errorf("initialising the Nix store volume %s failed (exit code %d): %v", a.Cfg.Runtime.NixVolume, code, tail)
	}
	return nil
}

func (a *Applier) runBuilds(ctx context.Context, p lockfile.Pin, builds []plan.Action, o Options) {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, o.Parallelism))
	for _, act := range builds {
		g.Go(func() error {
			if gctx.Err() != nil {
				a.record(Result{Variant: act.Variant, Kind: act.Kind, Err: gctx.Err()})
				return nil
			}
			r := a.build(gctx, p, act, o)
			a.record(r)
			if r.Err != nil && o.Abort {
				return r.Err
			}
			return nil
		})
	}
	_ = g.Wait()
}

func (a *Applier) record(r Result) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.results = append(a.results, r)
}

// commit puts a staged artifact in place and records it. The old lock
// entry is dropped before the rename, so that after a crash at any
// moment every lock entry still matches its artifact.
func (a *Applier) commit(act plan.Action, c copied, dst string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.Lock.Variant(act.Variant); ok {
		a.Lock.RemoveVariant(act.Variant)
		if err := a.Lock.Save(a.LockPath); err != nil {
			os.Remove(c.tmp)
			return err
		}
	}
	if err := os.Rename(c.tmp, dst); err != nil {
		os.Remove(c.tmp)
		return fmt.Errorf("putting %s in place: %w", act.Artifact, err)
	}
	if st, err := os.Stat(dst); err == nil {
		a.Cache.Record(dst, st, c.sha256)
	}
	a.Lock.SetVariant(act.Variant, lockfile.Entry{
		InputsHash: act.Inputs.Hash, Format: act.Spec.Format, Artifact: act.Artifact,
		SHA256: c.sha256, Size: c.size, Inputs: act.Inputs.Inputs,
	})
	return a.Lock.Save(a.LockPath)
}
