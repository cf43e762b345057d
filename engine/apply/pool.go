package apply

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/engine/plan"
	"github.com/isoforge/isoforge/runtimes"
)

// preparePool readies every builder: image, store volume and the pinned
// nixpkgs in that store (once per builder and apply). In a pool, a
// builder that cannot be readied is left out with a builder_down event,
// as long as one is left.
func (a *Applier) preparePool(ctx context.Context, pool []Builder, o Options, p lockfile.Pin) ([]Builder, error) {
	var ready []Builder
	var errs []error
	for _, b := range pool {
		src, err := a.prepare(ctx, b.Runtime, o.RunID, p)
		if err == nil {
			b.nixpkgs = src
			ready = append(ready, b)
			continue
		}
		if len(pool) == 1 || ctx.Err() != nil {
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

// runBuilds runs the builds over the pool: one worker per parallelism
// slot of each builder, fed by the scheduler. Artifacts are committed in
// batches by one committer goroutine (commitLoop), so no build slot waits
// for a lock write; a build's Result is recorded once it is committed.
func (a *Applier) runBuilds(ctx context.Context, pool []Builder, builds []plan.Action, o Options) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s := newScheduler(pool, builds)
	stop := context.AfterFunc(ctx, s.wake)
	defer stop()
	commits := make(chan *commitReq, len(builds))
	committed := make(chan struct{})
	go a.commitLoop(ctx, commits, committed)
	var wg sync.WaitGroup
	for i, b := range pool {
		for range max(1, b.Parallelism) {
			wg.Go(func() { a.worker(ctx, cancel, s, pool, i, o, commits) })
		}
	}
	wg.Wait()
	close(commits)
	<-committed
	for _, j := range s.leftover() {
		a.record(Result{Variant: j.act.Variant, Kind: j.act.Kind, Err: context.Cause(ctx)})
	}
}

// worker runs builder b's builds one after another. A build that fails
// because its host failed (the engine no longer answers) goes back to
// the queue for another builder, with the reason in an event.
func (a *Applier) worker(ctx context.Context, cancel context.CancelFunc, s *scheduler, pool []Builder, b int, o Options, commits chan<- *commitReq) {
	for {
		j := s.next(ctx, b)
		if j == nil {
			return
		}
		a.running.Add(1)
		r, req := a.build(ctx, pool[b], j.act, o)
		a.running.Add(-1)
		r.Built = r.Err == nil
		if r.Err != nil && ctx.Err() == nil && !IsBuildError(r.Err) && len(pool) > 1 && hostDown(ctx, pool[b].Runtime) {
			a.hostFailed(s, pool[b], b, j, r, o)
			continue
		}
		s.finish(b)
		emit(o.forBuilder(pool[b].Name), doneEvent(r))
		if req == nil {
			a.record(r)
			if r.Err != nil && o.Abort {
				cancel()
			}
			continue
		}
		req.done = func(err error) {
			r.Err, r.Built = err, err == nil
			a.record(r)
		}
		commits <- req
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
