package main

import (
	"context"
	"os"
	"time"

	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/engine/vmtest"
	"github.com/isoforge/isoforge/engine/workspace"
	"github.com/isoforge/isoforge/runtimes"
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
			events(vmtest.Event{Variant: tg.Variant.Name, Phase: vmtest.Failed, Detail: err.Error()})
		}
		return out
	}
	t := &vmtest.Tester{Runtime: rt, Image: ws.Cfg.Runtime.Image, Dir: ws.Cfg.Dir, RunID: newRunID(), KVM: hasKVM(), Events: events}
	return t.TestAll(ctx, targets, parallelism)
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
