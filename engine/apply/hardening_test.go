package apply_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/runtimes/fake"
)

// A store volume isoforge did not create (another application's data)
// is never mounted: the apply stops before any builder starts.
func TestForeignNixVolumeIsRefused(t *testing.T) {
	dir := setup(t, config)
	rt := &fake.Runtime{ForeignVolume: true}
	_, err := run(t, context.Background(), dir, rt, apply.Options{})
	if err == nil || !strings.Contains(err.Error(), runtimes.LabelVolume) {
		t.Fatalf("err = %v, want a refusal naming %s", err, runtimes.LabelVolume)
	}
	if rt.RunCount() != 0 {
		t.Errorf("%d builders ran on a foreign volume", rt.RunCount())
	}
}

// Every builder gets no-new-privileges and a pids limit from the
// adapters; the spec carries the limit.
func TestBuildersAreLimited(t *testing.T) {
	dir := setup(t, config)
	rt := &fake.Runtime{}
	if _, err := run(t, context.Background(), dir, rt, apply.Options{}); err != nil {
		t.Fatal(err)
	}
	for _, cs := range rt.Runs {
		if cs.Pids() <= 0 || cs.Pids() > runtimes.DefaultPidsLimit {
			t.Errorf("%s: pids limit %d", cs.Name, cs.Pids())
		}
	}
}

// An edit of the configuration while a build runs discards that build:
// its artifact is not committed and the lock does not record it.
func TestConfigEditDuringBuildFailsTheBuild(t *testing.T) {
	dir := setup(t, config)
	rt := &fake.Runtime{During: func(cs runtimes.ContainerSpec) {
		if cs.Labels[runtimes.LabelVariant] == "b" {
			_ = os.WriteFile(filepath.Join(dir, "module.nix"), []byte("{ }: { }\n"), 0o644)
		}
	}}
	results, err := run(t, context.Background(), dir, rt, apply.Options{Parallelism: 1})
	if !errors.Is(err, apply.ErrBuildsFailed) {
		t.Fatalf("err = %v, want failed builds", err)
	}
	var changed *apply.ConfigChangedError
	for _, r := range results {
		if r.Variant == "b" && !errors.As(r.Err, &changed) {
			t.Errorf("b: err = %v, want ConfigChangedError", r.Err)
		}
	}
	l, _, diags := lockfile.Load(filepath.Join(dir, lockfile.FileName))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if _, ok := l.Variant("b"); ok {
		t.Error("the lock records b, built from a changed configuration")
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "b.iso")); err == nil {
		t.Error("b's artifact was committed")
	}
}
