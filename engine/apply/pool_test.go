package apply_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/runtimes/fake"
)

const fleet6 = `
nixpkgs {
  rev = "0123456789abcdef0123456789abcdef01234567"
}
variant "v" {
  for_each = toset(["1", "2", "3", "4", "5", "6"])
  hostname = "v-${each.key}"
}
`

// events collects apply events from several goroutines.
type events struct {
	mu   sync.Mutex
	list []apply.Event
}

func (e *events) add(ev apply.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, ev)
}

// runPool applies dir over builders backed by FAKE runtimes.
func runPool(t *testing.T, dir string, builders []apply.Builder, ev *events) ([]apply.Result, error) {
	t.Helper()
	ctx := context.Background()
	ws, pl := planned(t, ctx, dir)
	a := &apply.Applier{Cfg: ws.Cfg, Lock: ws.Lock, LockPath: ws.LockPath, Builders: builders, Cache: ws.Cache}
	return a.Apply(ctx, pl, apply.Options{RunID: "test", Events: ev.add})
}

func builtBy(results []apply.Result) map[string]string {
	out := map[string]string{}
	for _, r := range results {
		if r.Built {
			out[r.Variant] = r.Builder
		}
	}
	return out
}

func TestPoolSpreadsAndSteals(t *testing.T) {
	a, b := &fake.Runtime{Delay: 50 * time.Millisecond}, &fake.Runtime{Delay: 50 * time.Millisecond}
	var ev events
	results, err := runPool(t, setup(t, fleet6), []apply.Builder{{Name: "a", Runtime: a, Parallelism: 2}, {Name: "b", Runtime: b, Parallelism: 2}}, &ev)
	if err != nil {
		t.Fatal(err)
	}
	by := builtBy(results)
	if len(by) != 6 || a.RunCount() == 0 || b.RunCount() == 0 || a.RunCount()+b.RunCount() != 6 {
		t.Fatalf("built %v; runs a=%d b=%d, want all 6 over both builders", by, a.RunCount(), b.RunCount())
	}
	for _, e := range ev.list {
		if e.Variant != "" && e.Builder == "" {
			t.Errorf("event %s of %s names no builder", e.Type, e.Variant)
		}
	}
}

func TestPoolPrefersAStableBuilder(t *testing.T) {
	// Builders with a free slot for every variant: each variant always
	// lands on the same builder, so its store volume stays warm.
	first := ""
	for range 3 {
		var ev events
		results, err := runPool(t, setup(t, config), []apply.Builder{{Name: "a", Runtime: &fake.Runtime{}, Parallelism: 3}, {Name: "b", Runtime: &fake.Runtime{}, Parallelism: 3}}, &ev)
		if err != nil {
			t.Fatal(err)
		}
		by := builtBy(results)
		got := by["a"] + by["b"] + by["c"]
		if first == "" {
			first = got
		}
		if got != first {
			t.Errorf("builders changed between identical runs: %q then %q", first, got)
		}
	}
}

func TestPoolRequeuesWhenAHostFails(t *testing.T) {
	// Run 1 is the init container that fetches nixpkgs; run 2 is a build.
	good, lost := &fake.Runtime{Delay: 20 * time.Millisecond}, &fake.Runtime{LoseHostAt: 2}
	var ev events
	results, err := runPool(t, setup(t, fleet6), []apply.Builder{{Name: "good", Runtime: good, Parallelism: 1}, {Name: "lost", Runtime: lost, Parallelism: 2}}, &ev)
	if err != nil {
		t.Fatalf("apply failed although one builder was left: %v", err)
	}
	by := builtBy(results)
	if len(by) != 6 {
		t.Fatalf("built %v, want all 6", by)
	}
	for v, b := range by {
		if b != "good" {
			t.Errorf("%s was built by %s", v, b)
		}
	}
	requeued := 0
	for _, e := range ev.list {
		if e.Type == apply.EventRequeued {
			requeued++
			if e.Builder != "lost" || e.Error == "" {
				t.Errorf("requeue event %+v does not name the failed builder and why", e)
			}
		}
		if e.Type == apply.EventFailed {
			t.Errorf("a variant was reported failed: %+v", e)
		}
	}
	if requeued == 0 {
		t.Error("no requeue event")
	}
}

func TestPoolFailsWhenEveryHostIsLost(t *testing.T) {
	var ev events
	results, err := runPool(t, setup(t, config), []apply.Builder{{Name: "x", Runtime: &fake.Runtime{LoseHostAt: 2}, Parallelism: 1}, {Name: "y", Runtime: &fake.Runtime{LoseHostAt: 2}, Parallelism: 1}}, &ev)
	if err == nil {
		t.Fatal("apply succeeded with every host lost")
	}
	failed := 0
	for _, r := range results {
		if r.Err != nil {
			failed++
		}
	}
	if failed != 3 {
		t.Errorf("%d of 3 variants failed, want all", failed)
	}
}

const withModule = `
nixpkgs {
  rev = "0123456789abcdef0123456789abcdef01234567"
}
variant "m" { modules = ["./module.nix"] }
`

// A remote builder gets the bytes the plan hashed, copied in: an edit
// of the configuration during its build changes nothing it builds, so
// the artifact matches its lock entry.
func TestRemoteBuildShipsTheHashedBytes(t *testing.T) {
	artifacts := map[bool][]byte{}
	for _, edit := range []bool{false, true} {
		dir := setup(t, withModule)
		os.WriteFile(filepath.Join(dir, "module.nix"), []byte("{ ... }: { }\n"), 0o644)
		rt := &fake.Runtime{During: func(runtimes.ContainerSpec) {
			if edit {
				os.WriteFile(filepath.Join(dir, "module.nix"), []byte("{ ... }: { networking.hostName = \"edited\"; }\n"), 0o644)
			}
		}}
		if _, err := run(t, context.Background(), dir, rt, apply.Options{}); err != nil {
			t.Fatalf("edit %v: %v", edit, err)
		}
		checkConsistent(t, dir)
		artifacts[edit], _ = os.ReadFile(filepath.Join(dir, "out", "m.iso"))
		if rt.Runs[len(rt.Runs)-1].Binds != nil {
			t.Error("a remote build got bind mounts")
		}
	}
	if len(artifacts[false]) == 0 || string(artifacts[false]) != string(artifacts[true]) {
		t.Errorf("the build saw the edit made during it:\n%q\n%q", artifacts[false], artifacts[true])
	}
}
