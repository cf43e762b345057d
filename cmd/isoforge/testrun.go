package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/isoforge/isoforge/cmd/isoforge/internal/views"
	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/engine/vmtest"
	"github.com/isoforge/isoforge/engine/workspace"
	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/spec"
)

// runTests boots the targets on rt; a missing builder image fails them
// all with the engine's message.
func runTests(ctx context.Context, ws *workspace.Workspace, rt runtimes.Runtime, targets []vmtest.Target, parallelism int, events func(vmtest.Event)) []vmtest.Result {
	if len(targets) == 0 {
		return nil
	}
	if err := rt.EnsureImage(ctx, ws.Cfg.Runtime.Image); err != nil {
		out := make([]vmtest.Result, len(targets))
		for i, tg := range targets {
			out[i] = vmtest.Result{Variant: tg.Variant.Name, Outcome: vmtest.Failed, Err: err}
			events(vmtest.Event{Variant: tg.Variant.Name, Phase: vmtest.Failed, Result: &out[i]})
		}
		return out
	}
	t := &vmtest.Tester{Runtime: rt, Image: ws.Cfg.Runtime.Image, Dir: ws.Cfg.Dir, RunID: newRunID(), KVM: hasKVM(), Events: events,
		Nixpkgs: nixpkgsAccess(ws)}
	return t.TestAll(ctx, targets, parallelism)
}

// nixpkgsAccess lets the QEMU container build nixpkgs' QEMU from the
// locked pin when the builder image has none; nil without a pin.
func nixpkgsAccess(ws *workspace.Workspace) *apply.NixpkgsAccess {
	p, ok := ws.Lock.Pin()
	if !ok {
		return nil
	}
	n, err := apply.Nixpkgs(ws.Cfg, p)
	if err != nil {
		return nil
	}
	return n
}

// hasKVM reports whether this host has /dev/kvm to hand to the QEMU
// container. The engine is local here (a remote engine's host is not
// probed; its test block can say accel = "kvm").
func hasKVM() bool {
	st, err := os.Stat("/dev/kvm")
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// recordTests puts each tested variant's result in manifest.json.
func recordTests(ws *workspace.Workspace, results []vmtest.Result, at time.Time) {
	rs := make([]apply.TestRecord, 0, len(results))
	for _, r := range results {
		if r.Outcome == vmtest.Skipped {
			continue
		}
		rs = append(rs, apply.TestRecord{Variant: r.Variant, Result: r.Outcome, At: at})
	}
	_ = apply.RecordTests(ws.Cfg, rs)
}

// applyTests runs apply -test: each built artifact is tested where it is
// staged, and the results are summed up after the apply's own summary.
type applyTests struct {
	ws     *workspace.Workspace
	tester *vmtest.Tester
	view   views.Test
	start  time.Time

	// pinned sets the tester's nixpkgs once apply has saved the pin.
	pinned  sync.Once
	mu      sync.Mutex
	results []vmtest.Result
}

func newApplyTests(o *output, ws *workspace.Workspace, rt runtimes.Runtime, av views.Apply) *applyTests {
	at := &applyTests{ws: ws, view: views.NewTest(o.v, o.stream), start: time.Now()}
	events := func(e vmtest.Event) {
		if o.stream != nil {
			at.view.Event(e)
			return
		}
		av.Event(apply.Event{Type: apply.EventLog, Variant: e.Variant, Line: "test: " + views.TestEventLine(e)})
	}
	at.tester = &vmtest.Tester{Runtime: rt, Image: ws.Cfg.Runtime.Image, Dir: ws.Cfg.Dir, RunID: newRunID(), KVM: hasKVM(), Events: events}
	return at
}

func (at *applyTests) test(ctx context.Context, v spec.Variant, artifact string) error {
	at.pinned.Do(func() { at.tester.Nixpkgs = nixpkgsAccess(at.ws) })
	r := at.tester.Test(ctx, vmtest.Target{Variant: v, Artifact: artifact})
	at.mu.Lock()
	at.results = append(at.results, r)
	at.mu.Unlock()
	if r.Outcome == vmtest.Failed {
		return fmt.Errorf("test failed: %w", r.Err)
	}
	return nil
}

// finish records the passed tests (failed ones kept no artifact) and
// prints the test summary.
func (at *applyTests) finish() {
	var passed []vmtest.Result
	for _, r := range at.results {
		if r.Outcome == vmtest.Passed {
			passed = append(passed, r)
		}
	}
	recordTests(at.ws, passed, at.start)
	at.view.Summary(at.results, time.Since(at.start))
}
