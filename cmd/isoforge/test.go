package main

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/isoforge/isoforge/cmd/isoforge/internal/views"
	"github.com/isoforge/isoforge/engine/vmtest"
	"github.com/isoforge/isoforge/engine/workspace"
	"github.com/spf13/cobra"
)

type testFlags struct {
	configFlags
	rt          runtimeFlags
	parallelism int
	asJSON      bool
}

func newTestCmd(s *streams, g *globals) *cobra.Command {
	var tf testFlags
	cmd := &cobra.Command{
		Use:   "test [VARIANT|GLOB...]",
		Short: "Boot each built image in QEMU and check it over SSH",
		Long: `Test boots every selected variant's built artifact in QEMU, in a container
on the builder (KVM when the builder has /dev/kvm, else TCG emulation with
a warning), logs in over SSH with the test block's private key and checks
the hostname, the packages' programs and the test block's commands.
Variants without a test block, or whose format cannot boot in QEMU, are
skipped. A failed test keeps the VM's serial console in
.isoforge/logs/VARIANT.test.log.

Exit status: 0 when nothing failed, 1 otherwise, 130 interrupted.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTest(cmd, s, g, &tf, args)
		},
	}
	tf.configFlags.register(cmd)
	tf.rt.register(cmd)
	cmd.Flags().Var(positiveInt{&tf.parallelism}, "parallelism", "`N` VMs at once, N >= 1 (default: runtime.parallelism in isos.hcl, else 2)")
	cmd.Flags().BoolVar(&tf.asJSON, "json", false, "machine-readable output (NDJSON)")
	return cmd
}

func runTest(cmd *cobra.Command, s *streams, g *globals, tf *testFlags, globs []string) error {
	ctx := cmd.Context()
	o := newOutput(s, g, tf.asJSON)
	if tf.asJSON {
		o.stream = views.NewApplyJSON(s.out, version)
	}
	ws, release, err := openLockedWorkspace(o, &tf.configFlags)
	if err != nil {
		return err
	}
	defer release()
	targets, missing, err := testTargets(ws, globs)
	if err != nil {
		return o.fail(err)
	}
	view := views.NewTest(o.v, o.stream)
	parallelism := tf.parallelism
	if parallelism <= 0 {
		parallelism = ws.Cfg.Runtime.Parallelism
	}
	start := time.Now()
	results := missing
	if len(targets) > 0 {
		rt, err := tf.rt.open(ctx, ws.Cfg)
		if err != nil {
			return o.fail(err)
		}
		defer rt.Close()
		results = append(results, runTests(ctx, ws, rt, targets, parallelism, view.Event)...)
	}
	recordTests(ws, results, start)
	return testExit(ctx, view.Summary(results, time.Since(start)))
}

// testTargets selects the variants matching globs (all when none) whose
// artifact is built; the others are skipped results.
func testTargets(ws *workspace.Workspace, globs []string) ([]vmtest.Target, []vmtest.Result, error) {
	var targets []vmtest.Target
	var skipped []vmtest.Result
	for _, g := range globs {
		if _, err := path.Match(g, ""); err != nil {
			return nil, nil, fmt.Errorf("%q is not a glob: %w", g, err)
		}
	}
	matched := 0
	for _, v := range ws.Cfg.Variants {
		if !matchesAny(v.Name, globs) {
			continue
		}
		matched++
		e, ok := ws.Lock.Variant(v.Name)
		file := filepath.Join(ws.Cfg.Dir, filepath.FromSlash(e.Artifact))
		if _, err := os.Stat(file); !ok || err != nil {
			skipped = append(skipped, vmtest.Result{Variant: v.Name, Outcome: vmtest.Skipped,
				Err: fmt.Errorf("not built: run isoforge apply first")})
			continue
		}
		targets = append(targets, vmtest.Target{Variant: v, Artifact: file})
	}
	if matched == 0 && len(globs) > 0 {
		return nil, nil, fmt.Errorf("no variant matches %q%s", globs, suggest(globs[0], ws.Cfg.VariantNames()))
	}
	return targets, skipped, nil
}

func matchesAny(name string, globs []string) bool {
	if len(globs) == 0 {
		return true
	}
	for _, g := range globs {
		if ok, _ := path.Match(g, name); ok {
			return true
		}
	}
	return false
}

func testExit(ctx context.Context, failed int) error {
	switch {
	case ctx.Err() != nil:
		return &exitError{code: exitInterrupted}
	case failed > 0:
		return &exitError{code: exitError1}
	}
	return nil
}
