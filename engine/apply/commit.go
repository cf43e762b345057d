package apply

import (
	"fmt"
	"os"

	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/engine/plan"
)

// commitReq is one staged artifact waiting to be put in place.
type commitReq struct {
	act  plan.Action
	c    copied
	dst  string
	done chan error
}

// commitQueue batches commits: while one batch is being written, the
// builds that finish queue up and are committed together in the next,
// with two lock writes per batch instead of two per variant.
type commitQueue struct {
	pending []*commitReq
	busy    bool
}

// commit puts a staged artifact in place and records it, batched with
// other finished builds (group commit: the first waiting worker writes
// for everyone queued). For every batch the old lock entries are dropped
// and saved before any rename, and the new ones saved after, so after a
// crash at any moment every lock entry still matches its artifact.
func (a *Applier) commit(act plan.Action, c copied, dst string) error {
	req := &commitReq{act: act, c: c, dst: dst, done: make(chan error, 1)}
	a.mu.Lock()
	a.queue.pending = append(a.queue.pending, req)
	lead := !a.queue.busy
	a.queue.busy = true
	a.mu.Unlock()
	if lead {
		a.drainCommits()
	}
	return <-req.done
}

func (a *Applier) drainCommits() {
	for {
		a.mu.Lock()
		batch := a.queue.pending
		a.queue.pending = nil
		if len(batch) == 0 {
			a.queue.busy = false
			a.mu.Unlock()
			return
		}
		a.mu.Unlock()
		a.commitBatch(batch)
	}
}

func (a *Applier) commitBatch(batch []*commitReq) {
	a.lockMu.Lock()
	defer a.lockMu.Unlock()
	if err := a.dropEntries(batch); err != nil {
		for _, r := range batch {
			os.Remove(r.c.tmp)
			r.done <- err
		}
		return
	}
	var placed []*commitReq
	for _, r := range batch {
		if err := os.Rename(r.c.tmp, r.dst); err != nil {
			os.Remove(r.c.tmp)
			r.done <- fmt.Errorf("putting %s in place: %w", r.act.Artifact, err)
			continue
		}
		if st, err := os.Stat(r.dst); err == nil {
			a.Cache.Record(r.dst, st, r.c.sha256)
		}
		a.Lock.SetVariant(r.act.Variant, lockfile.Entry{
			InputsHash: r.act.Inputs.Hash, Format: r.act.Spec.Format, Artifact: r.act.Artifact,
			SHA256: r.c.sha256, Size: r.c.size, Inputs: r.act.Inputs.Inputs,
		})
		placed = append(placed, r)
	}
	err := a.Lock.Save(a.LockPath)
	for _, r := range placed {
		r.done <- err
	}
}

// dropEntries forgets the batch's old entries on disk before their
// artifacts are replaced.
func (a *Applier) dropEntries(batch []*commitReq) error {
	dropped := false
	for _, r := range batch {
		if _, ok := a.Lock.Variant(r.act.Variant); ok {
			a.Lock.RemoveVariant(r.act.Variant)
			dropped = true
		}
	}
	if !dropped {
		return nil
	}
	return a.Lock.Save(a.LockPath)
}
