package apply

import (
	"context"
	"hash/fnv"
	"sync"

	"github.com/isoforge/isoforge/engine/plan"
	"github.com/isoforge/isoforge/runtimes"
)

// Builder is one engine builds run on: a builder block of isos.hcl, or
// the single engine the runtime block (or -runtime and -host) describes.
type Builder struct {
	// Name is the builder block's label; events and logs carry it.
	Name        string
	Runtime     runtimes.Runtime
	Parallelism int
	// nixpkgs is the pinned nixpkgs' store path in this builder's store,
	// set when the builder is readied.
	nixpkgs string
}

// DefaultBuilder names the single builder of a configuration without
// builder blocks.
const DefaultBuilder = "default"

// pool is the builders of this apply.
func (a *Applier) pool(o Options) []Builder {
	if len(a.Builders) > 0 {
		return a.Builders
	}
	return []Builder{{Name: DefaultBuilder, Runtime: a.Runtime, Parallelism: max(1, o.Parallelism)}}
}

// job is a variant waiting for a builder.
type job struct {
	act plan.Action
	// failed are the builders whose host failed during this build.
	failed map[int]bool
}

// scheduler hands queued variants to builders: each variant goes to its
// preferred builder (a stable hash of its name, so its store volume stays
// warm) unless that builder is busy, down or failed it, in which case an
// idle builder steals it. Builders run at most Parallelism builds each:
// one worker goroutine per slot.
type scheduler struct {
	mu      sync.Mutex
	cond    *sync.Cond
	n       int
	pending []*job
	// slots and active are each builder's parallelism and running builds.
	slots   []int
	active  []int
	down    []bool
	running int
}

func newScheduler(pool []Builder, acts []plan.Action) *scheduler {
	n := len(pool)
	s := &scheduler{n: n, slots: make([]int, n), active: make([]int, n), down: make([]bool, n)}
	for i, b := range pool {
		s.slots[i] = max(1, b.Parallelism)
	}
	s.cond = sync.NewCond(&s.mu)
	for _, act := range acts {
		s.pending = append(s.pending, &job{act: act, failed: map[int]bool{}})
	}
	return s
}

// preferred is a variant's builder when it is free.
func preferred(variant string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(variant))
	return int(h.Sum32() % uint32(n))
}

// next blocks until builder b should run a job; nil means b is done:
// nothing is left for it, it is down, or ctx ended.
func (s *scheduler) next(ctx context.Context, b int) *job {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		if s.down[b] || ctx.Err() != nil {
			return nil
		}
		if j := s.pick(b); j != nil {
			s.running++
			s.active[b]++
			return j
		}
		if len(s.pending) == 0 && s.running == 0 {
			return nil
		}
		s.cond.Wait()
	}
}

func (s *scheduler) pick(b int) *job {
	steal := -1
	for i, j := range s.pending {
		if j.failed[b] {
			continue
		}
		p := preferred(j.act.Variant, s.n)
		if p == b {
			return s.take(i)
		}
		if steal < 0 && (s.active[p] >= s.slots[p] || s.down[p] || j.failed[p]) {
			steal = i
		}
	}
	if steal < 0 {
		return nil
	}
	return s.take(steal)
}

func (s *scheduler) take(i int) *job {
	j := s.pending[i]
	s.pending = append(s.pending[:i], s.pending[i+1:]...)
	return j
}

// finish ends a job's run on builder b.
func (s *scheduler) finish(b int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running--
	s.active[b]--
	s.cond.Broadcast()
}

// hostFailed marks builder b down and queues j again unless no live
// builder is left for it. It returns the jobs no builder can run any
// more (j among them when it was not queued), for the caller to fail.
func (s *scheduler) hostFailed(b int, j *job) (requeued bool, orphans []*job) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running--
	s.active[b]--
	s.down[b] = true
	j.failed[b] = true
	s.pending = append(s.pending, j)
	keep := s.pending[:0]
	for _, p := range s.pending {
		if s.runnable(p) {
			keep = append(keep, p)
		} else {
			orphans = append(orphans, p)
		}
	}
	s.pending = keep
	requeued = s.runnable(j)
	s.cond.Broadcast()
	return requeued, orphans
}

func (s *scheduler) runnable(j *job) bool {
	for b := range s.n {
		if !s.down[b] && !j.failed[b] {
			return true
		}
	}
	return false
}

// wake lets waiting workers see a cancelled context.
func (s *scheduler) wake() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cond.Broadcast()
}

// leftover returns the jobs never started (after a cancel).
func (s *scheduler) leftover() []*job {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.pending
	s.pending = nil
	return l
}
