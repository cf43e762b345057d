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
}

// Applier holds what an apply needs.
type Applier struct {
	Cfg      *spec.Config
	Lock     *lockfile.Lock
	LockPath string
	// Runtime is the single builder of a configuration without builder
	// blocks; Builders, when set, replace it.
	Runtime  runtimes.Runtime
	Builders []Builder
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
	// Builder is the builder that ran the build.
	Builder string
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
		pool, err := a.preparePool(ctx, a.pool(o), o)
		if err != nil {
			return a.results, err
		}
		a.runBuilds(ctx, pool, p.Pin, builds, o)
	}
	engine := ""
	if pool := a.pool(o); pool[0].Runtime != nil {
		engine = pool[0].Runtime.Name()
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

// preparePool readies every builder. In a pool, a builder that cannot
// be readied is left out with a warning event, as long as one is left.
func (a *Applier) preparePool(ctx context.Context, pool []Builder, o Options) ([]Builder, error) {
	var ready []Builder
	var errs []error
	for _, b := range pool {
		err := a.prepare(ctx, b.Runtime, o.RunID)
		if err == nil {
			ready = append(ready, b)
			continue
		}
		if len(pool) == 1 {
			return nil, err
		}
		errs = append(errs, fmt.Errorf("builder %s: %w", b.Name, err))
		emit(o, Event{Type: EventBuilderDown, Builder: b.Name, Error: err.Error()})
	}
	if len(ready) == 0 {
		return nil, fmt.Errorf("no builder could be readied: %w", errors.Join(errs...))
	}
	return ready, nil
}

func (a *Applier) prepare(ctx context.Context, rt runtimes.Runtime, runID string) error {
	if err := rt.EnsureImage(ctx, a.Cfg.Runtime.Image); err != nil {
		return err
	}
	created, err := rt.EnsureVolume(ctx, a.Cfg.Runtime.NixVolume)
	if err != nil || !created {
		return err
	}
	return a.initStore(ctx, rt, runID)
}

// initStore opens the Nix store of a new volume once, alone: parallel
// builders initialising one empty store race on its directories.
func (a *Applier) initStore(ctx context.Context, rt runtimes.Runtime, runID string) error {
	var tail []string
	code, err := rt.Run(ctx, runtimes.ContainerSpec{
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

// runBuilds runs the builds over the pool: one worker per parallelism
// slot of each builder, fed by the scheduler.
func (a *Applier) runBuilds(ctx context.Context, pool []Builder, p lockfile.Pin, builds []plan.Action, o Options) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := newScheduler(pool, builds)
	stop := context.AfterFunc(ctx, s.wake)
	defer stop()
	var wg sync.WaitGroup
	for i, b := range pool {
		for range max(1, b.Parallelism) {
			wg.Go(func() { a.worker(ctx, cancel, s, pool, i, p, o) })
		}
	}
	wg.Wait()
	for _, j := range s.leftover() {
		a.record(Result{Variant: j.act.Variant, Kind: j.act.Kind, Err: context.Cause(ctx)})
	}
}

// worker runs builder b's builds one after another. A build that fails
// because its host failed (the engine no longer answers) goes back to
// the queue for another builder, with the reason in an event.
func (a *Applier) worker(ctx context.Context, cancel context.CancelFunc, s *scheduler, pool []Builder, b int, p lockfile.Pin, o Options) {
	for {
		j := s.next(ctx, b)
		if j == nil {
			return
		}
		r := a.build(ctx, pool[b], p, j.act, o)
		if r.Err != nil && ctx.Err() == nil && !IsBuildError(r.Err) && len(pool) > 1 && hostDown(ctx, pool[b].Runtime) {
			a.hostFailed(s, pool[b], b, j, r, o)
			continue
		}
		s.finish(b)
		emit(o.forBuilder(pool[b].Name), doneEvent(r))
		a.record(r)
		if r.Err != nil && o.Abort {
			cancel()
		}
	}
}

func (a *Applier) hostFailed(s *scheduler, b Builder, bi int, j *job, r Result, o Options) {
	requeued, orphans := s.hostFailed(bi, j)
	if requeued {
		emit(o, Event{Type: EventRequeued, Variant: j.act.Variant, Builder: b.Name,
			Error: fmt.Sprintf("builder %s failed during the build (%v); building on another builder", b.Name, r.Err)})
	}
	for _, orphan := range orphans {
		res := r
		if orphan != j {
			res = Result{Variant: orphan.act.Variant, Kind: orphan.act.Kind, Err: fmt.Errorf("no builder is left to build it: builder %s failed: %w", b.Name, r.Err)}
		}
		emit(o.forBuilder(b.Name), doneEvent(res))
		a.record(res)
	}
}

// hostDown tells a failed host from a failed build: the engine no longer
// answers (connection lost, engine gone).
func hostDown(ctx context.Context, rt runtimes.Runtime) bool {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	_, err := rt.Info(ctx)
	return err != nil
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
