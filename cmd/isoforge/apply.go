package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/isoforge/isoforge/cmd/isoforge/internal/views"
	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/engine/plan"
	"github.com/isoforge/isoforge/engine/workspace"
	"github.com/isoforge/isoforge/runtimes"
	"github.com/spf13/cobra"
)

type applyFlags struct {
	planFlags
	rt          runtimeFlags
	parallelism int
	prune       bool
	onError     string
	showTrace   bool
	test        bool
}

func newApplyCmd(s *streams, g *globals) *cobra.Command {
	af := applyFlags{onError: "continue"}
	cmd := &cobra.Command{
		Use:   "apply",
		Short: "Build the variants whose inputs changed and record them in isos.lock.hcl",
		Long: `Apply plans like 'isoforge plan', then builds every variant to create or
rebuild in containers (Podman or Docker), in parallel, sharing one Nix
store volume. Each artifact is copied to the output directory, checksummed
and recorded in isos.lock.hcl as soon as it is built; SHA256SUMS and
manifest.json are rewritten at the end. Only one apply runs at a time per
directory.

Apply never asks for confirmation; -auto-approve is accepted for
Terraform habits and changes nothing.

Exit status: 0 success, 1 error or failed build, 130 interrupted.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runApply(cmd, s, g, &af)
		},
	}
	af.planFlags.register(cmd)
	af.rt.register(cmd)
	cmd.Flags().Var(positiveInt{&af.parallelism}, "parallelism", "`N` builds at once, N >= 1 (default: runtime.parallelism in isos.hcl, else 2)")
	// Terraform habit: apply never prompts, so there is nothing to approve.
	cmd.Flags().Bool("auto-approve", false, "accepted and ignored: apply never asks for confirmation")
	cmd.Flags().BoolVar(&af.prune, "prune", false, "delete the artifacts of variants removed from isos.hcl")
	cmd.Flags().Var(oneOf{&af.onError, []string{"continue", "abort"}}, "on-error", "when a build fails: continue (finish the others) or abort (cancel all)")
	cmd.Flags().BoolVar(&af.showTrace, "show-trace", false, "pass --show-trace to nix-build: Nix's full evaluation trace in build errors")
	cmd.Flags().BoolVar(&af.test, "test", false, "boot and check each built artifact (isoforge test) before it replaces the previous one; a failed test fails the variant")
	return cmd
}

func runApply(cmd *cobra.Command, s *streams, g *globals, af *applyFlags) error {
	ctx := cmd.Context()
	var rt runtimes.Runtime
	o := newOutput(s, g, af.asJSON)
	if af.asJSON {
		o.stream = views.NewApplyJSON(s.out, version)
	}
	ws, release, err := openLockedWorkspace(o, &af.configFlags)
	if err != nil {
		return err
	}
	defer release()
	af.refresh, af.planFlags.prune = true, af.prune
	af.imageID, rt = af.engineImageID(ctx, ws)
	defer func() {
		if rt != nil {
			rt.Close()
		}
	}()
	pl, _, err := computePlan(ctx, ws, &af.planFlags)
	if err != nil {
		return o.fail(err)
	}
	if pl.HasChanges() {
		if pl.Pin, err = completePin(ctx, s, pl.Pin); err != nil {
			return o.fail(err)
		}
	}
	if rt == nil {
		if rt, err = af.runtimeFor(cmd, o, ws, pl); err != nil {
			return o.fail(err)
		}
	}
	if _, _, err := apply.Cleanup(ctx, rt, ws.Cfg.Dir, ws.Cfg.OutputDir, false); err != nil {
		return o.fail(fmt.Errorf("cleaning up an earlier run: %w; run isoforge clean", err))
	}
	var view views.Apply = o.stream
	if o.stream == nil {
		view = views.NewApply(o.v, false, views.ApplyOptions{Estimates: previousDurations(ws.Cfg), Version: version})
	}
	if n, ok := view.(interface{ Interrupted() }); ok && s.interrupt != nil {
		s.interrupt.setNotice(n.Interrupted)
	}
	view.Plan(pl, af.skipped(ws))
	a := &apply.Applier{Cfg: ws.Cfg, Lock: ws.Lock, LockPath: ws.LockPath, Runtime: rt, Cache: ws.Cache}
	opts := apply.Options{
		Parallelism: af.parallel(ws), Abort: af.onError == "abort", Prune: af.prune,
		RunID: newRunID(), Events: view.Event, ShowTrace: af.showTrace,
	}
	var tests *applyTests
	if af.test && rt != nil {
		tests = newApplyTests(o, ws, rt, view)
		opts.Test = tests.test
	}
	results, err := a.Apply(ctx, pl, opts)
	view.Summary(results, err)
	if tests != nil {
		tests.finish()
	}
	return applyExit(ctx.Err(), err)
}

// engineImageID asks a reachable engine for the builder image's ID, so
// the inputs hash names the image's content, not its reference (a mirror
// or second tag rebuilds nothing; a moved tag rebuilds everything).
// Without an engine, which an up-to-date apply does not need, the lock's
// record for the same reference is used.
func (af *applyFlags) engineImageID(ctx context.Context, ws *workspace.Workspace) (string, runtimes.Runtime) {
	rt, err := af.rt.open(ctx, ws.Cfg)
	if err != nil {
		return ws.LockedImageID(), nil
	}
	id, err := rt.ImageID(ctx, ws.Cfg.Runtime.Image)
	if err != nil && rt.EnsureImage(ctx, ws.Cfg.Runtime.Image) == nil {
		// Pulled now: hash with the ID the builds will run with.
		id, err = rt.ImageID(ctx, ws.Cfg.Runtime.Image)
	}
	if err != nil {
		return ws.LockedImageID(), rt
	}
	return id, rt
}

// runtimeFor opens the engine only when something must be built or an
// interrupted run left containers to remove, so an up-to-date apply needs
// no running engine.
func (af *applyFlags) runtimeFor(cmd *cobra.Command, o *output, ws *workspace.Workspace, pl *plan.Plan) (runtimes.Runtime, error) {
	for _, a := range pl.Actions {
		if a.Builds() {
			return af.rt.open(cmd.Context(), ws.Cfg)
		}
	}
	if !workspace.HasLeftovers(ws.Cfg.Dir) {
		return nil, nil
	}
	rt, err := af.rt.open(cmd.Context(), ws.Cfg)
	if err != nil {
		o.v.Warning(fmt.Sprintf("an interrupted run left work behind, but no engine answered to remove its containers: %v", err))
		return nil, nil
	}
	return rt, nil
}

func (af *applyFlags) parallel(ws *workspace.Workspace) int {
	if af.parallelism > 0 {
		return af.parallelism
	}
	return ws.Cfg.Runtime.Parallelism
}

func applyExit(ctxErr, err error) error {
	switch {
	case ctxErr != nil:
		return &exitError{code: exitInterrupted}
	case errors.Is(err, apply.ErrBuildsFailed):
		return &exitError{code: exitError1}
	case err != nil:
		return &exitError{code: exitError1} // the view reported it
	}
	return nil
}

func newRunID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
