// Package apply carries out a plan: it builds the changed variants in
// containers, in parallel, copies and checksums their artifacts, and
// records each success in the lockfile as soon as it happens.
package apply

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/isoforge/isoforge/engine/fingerprint"
	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/engine/pin"
	"github.com/isoforge/isoforge/engine/plan"
	"github.com/isoforge/isoforge/engine/workspace"
	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/spec"
)

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
	// Runtime is the single builder of a configuration without builder
	// blocks; Builders, when set, replace it.
	Runtime  runtimes.Runtime
	Builders []Builder
	Cache    *fingerprint.StatCache

	mu      sync.Mutex // guards results
	results []Result
	// running counts builds between start and staging: with none
	// running, nothing can join a commit batch, so it need not wait.
	running atomic.Int32
	// lockMu serialises changes to Lock and its saves.
	lockMu sync.Mutex
	// lockWrites and lockTime count the lock saves of this apply.
	lockWrites int
	lockTime   time.Duration
	// placed are artifacts in place whose entries the next lock write
	// records; recordErr is the last failure to write them.
	placed    []*commitReq
	recordErr error
	// snapshot hashes the configuration tree when the builds start.
	snapshot string
}

// LockStats reports how many times this apply wrote the lock and how
// long that took in total (benchmarks; batching keeps both small).
func (a *Applier) LockStats() (int, time.Duration) {
	a.lockMu.Lock()
	defer a.lockMu.Unlock()
	return a.lockWrites, a.lockTime
}

// saveLock writes the lock; the caller holds lockMu.
func (a *Applier) saveLock() error {
	start := time.Now()
	err := a.Lock.Save(a.LockPath)
	a.lockWrites++
	a.lockTime += time.Since(start)
	return err
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
	if err := a.savePin(p.Pin, p.Builder); err != nil {
		return nil, err
	}
	pruned, err := a.removeStale(ctx, p, o.Prune)
	if err != nil {
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
		pool, err := a.preparePool(ctx, a.pool(o), o, p.Pin)
		if err != nil {
			return a.results, err
		}
		snap, err := snapshotConfig(ctx, a.Cfg.Dir, a.Cfg.OutputDir)
		if err != nil {
			return a.results, err
		}
		a.snapshot = snap
		a.runBuilds(ctx, pool, builds, o)
	}
	engine := ""
	if pool := a.pool(o); pool[0].Runtime != nil {
		engine = pool[0].Runtime.Name()
	}
	if err := writeOutputs(a.Cfg, a.Lock, p.Pin, a.results, engine, pruned); err != nil {
		return a.results, err
	}
	_ = a.Cache.Save()
	return a.results, a.outcome(ctx)
}

func (a *Applier) outcome(ctx context.Context) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if a.recordErr != nil {
		return fmt.Errorf("recording built artifacts in %s: %w", lockfile.FileName, a.recordErr)
	}
	for _, r := range a.results {
		if r.Err != nil {
			return ErrBuildsFailed
		}
	}
	return nil
}

// savePin records the nixpkgs pin and the builder image before any build.
func (a *Applier) savePin(p lockfile.Pin, b lockfile.Builder) error {
	a.lockMu.Lock()
	defer a.lockMu.Unlock()
	changed := false
	if old, ok := a.Lock.Pin(); !ok || old != p {
		a.Lock.SetPin(p)
		changed = true
	}
	// The builder's ID is content: a second name for the same image
	// leaves the record alone.
	if b.ID != "" {
		if old, ok := a.Lock.Builder(); !ok || old.ID != b.ID {
			a.Lock.SetBuilder(b)
			changed = true
		}
	}
	if !changed {
		return nil
	}
	return a.saveLock()
}

// removeStale forgets variants no longer configured, in one lock write;
// with prune it then deletes their artifacts (the lock entry goes first,
// so the lock never names an artifact that is gone).
func (a *Applier) removeStale(ctx context.Context, p *plan.Plan, prune bool) (map[string]bool, error) {
	var removed []plan.Action
	for _, act := range p.Actions {
		if act.Kind == plan.Remove {
			removed = append(removed, act)
		}
	}
	if len(removed) > 0 {
		a.lockMu.Lock()
		for _, act := range removed {
			a.Lock.RemoveVariant(act.Variant)
		}
		err := a.saveLock()
		a.lockMu.Unlock()
		if err != nil {
			return nil, err
		}
	}
	for _, act := range removed {
		a.record(Result{Variant: act.Variant, Kind: plan.Remove, Artifact: act.Artifact})
	}
	if !prune {
		return nil, nil
	}
	return a.prune(ctx, removed)
}

// prepare makes sure the image and the store volume exist, then fetches
// the pinned nixpkgs once, alone, before any build: parallel builders
// fetching into one empty store race on it.
func (a *Applier) prepare(ctx context.Context, rt runtimes.Runtime, runID string, p lockfile.Pin) (string, error) {
	if err := rt.EnsureImage(ctx, a.Cfg.Runtime.Image); err != nil {
		return "", err
	}
	created, err := rt.EnsureVolume(ctx, a.Cfg.Runtime.NixVolume)
	if err != nil {
		return "", err
	}
	if !created {
		if err := a.checkVolumeOwner(ctx, rt); err != nil {
			return "", err
		}
	}
	return a.fetchNixpkgs(ctx, rt, runID, p)
}

// fetchNixpkgs runs FetchScript in the init container and returns the
// store path of the verified nixpkgs source.
func (a *Applier) fetchNixpkgs(ctx context.Context, rt runtimes.Runtime, runID string, p lockfile.Pin) (string, error) {
	script, err := FetchScript(p)
	if err != nil {
		return "", err
	}
	if p.Local() && !rt.SharesHostFS() {
		if src, ok := a.storeHas(ctx, rt, runID, p); ok {
			return src, nil
		}
	}
	cs := runtimes.ContainerSpec{
		Name:    containerName("init", runID),
		Image:   a.Cfg.Runtime.Image,
		Command: []string{"/bin/sh", "-c", script},
		Env:     map[string]string{"XDG_CACHE_HOME": fetchCacheDir, "TERM": "dumb"},
		Volumes: []runtimes.VolumeMount{{Name: a.Cfg.Runtime.NixVolume, Target: storeMount}},
		Labels:  Labels(a.Cfg.Dir, "_init", runID),
	}
	if p.Local() {
		// A remote engine gets the checkout copied in, once per host: the
		// store keeps it under its NAR hash for every build there.
		local := pin.LocalPath(a.Cfg.Dir, a.Cfg.Nixpkgs.Path)
		if rt.SharesHostFS() {
			cs.Binds = []runtimes.Bind{{Source: local, Target: nixpkgsMount, ReadOnly: true}}
		} else {
			cs.CopyIn = treeTar(local, nixpkgsMount)
		}
	}
	// A work directory marks the init container as running: a run killed
	// now leaves it behind, and the next apply, seeing leftovers, opens the
	// engine to remove the container even when it has nothing to build.
	marker := workspace.WorkDir(a.Cfg.Dir, "_init")
	if err := os.MkdirAll(marker, 0o755); err != nil {
		return "", err
	}
	defer os.RemoveAll(marker)
	var out []string
	src := ""
	code, err := rt.Run(ctx, cs, func(_, line string) {
		if v, ok := strings.CutPrefix(line, sourceMarker); ok {
			src = strings.Trim(v, `"`)
			return
		}
		out = append(out, line)
	})
	if err != nil {
		return "", fmt.Errorf("fetching nixpkgs in the Nix store volume %s: %w", a.Cfg.Runtime.NixVolume, err)
	}
	if code != 0 || !strings.HasPrefix(src, "/nix/store/") {
		return "", fetchError(p, out)
	}
	return src, nil
}

// fetchError is the one line a failed fetch gets: a changed archive, or
// an unreachable source. Either way nothing was built, and nothing fell
// back to another nixpkgs.
func fetchError(p lockfile.Pin, out []string) error {
	from := "the local checkout " + a2s(p.Path, "given by ISOFORGE_NIXPKGS_PATH")
	if !p.Local() {
		from = p.URL
	}
	for _, l := range out {
		if strings.Contains(l, "hash mismatch") || strings.Contains(l, "store path mismatch") {
			return fmt.Errorf("nixpkgs from %s does not match nar_hash %s in %s: its content changed since it was locked; nothing was built (check the source, then run `isoforge lock -update` to accept new content)",
				from, p.NarHash, lockfile.FileName)
		}
	}
	why := "no output"
	for i := len(out) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(out[i]); l != "" {
			why = l
			if strings.HasPrefix(l, "error:") {
				break
			}
		}
	}
	return fmt.Errorf("fetching nixpkgs from %s failed, so nothing was built (isoforge never falls back to another nixpkgs): %s", from, why)
}

func a2s(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

func (a *Applier) record(r Result) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.results = append(a.results, r)
}
