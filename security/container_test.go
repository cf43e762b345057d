package security_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/engine/pin"
	"github.com/isoforge/isoforge/engine/plan"
	"github.com/isoforge/isoforge/engine/workspace"
	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/runtimes/fake"
	"github.com/isoforge/isoforge/spec"
)

// applyWith plans and applies the arena's repository with the FAKE
// runtime (a test double that writes an artifact instead of building).
func (a *arena) applyWith(rt *fake.Runtime) ([]apply.Result, error) {
	a.t.Helper()
	cfg, diags := spec.NewLoader().Load(a.repo, spec.Options{})
	if diags.HasErrors() {
		a.t.Fatal(diags.Error())
	}
	ws, diags := workspace.Open(cfg)
	if diags.HasErrors() {
		a.t.Fatal(diags.Error())
	}
	p, _, err := ws.Pin(context.Background(), &pin.Resolver{}, false)
	if err != nil {
		a.t.Fatal(err)
	}
	pl, err := ws.Plan(p, plan.Options{})
	if err != nil {
		a.t.Fatal(err)
	}
	ap := &apply.Applier{Cfg: cfg, Lock: ws.Lock, LockPath: ws.LockPath, Runtime: rt, Cache: ws.Cache}
	return ap.Apply(context.Background(), pl, apply.Options{Parallelism: 1, RunID: "security"})
}

// Class "volume": runtime.nix_volume naming a volume isoforge did not
// create is refused before any builder mounts it.
func TestForeignStoreVolumeIsRefused(t *testing.T) {
	a := newArena(t, header+"runtime {\n  nix_volume = \"postgres-data\"\n}\nvariant \"a\" {}\n")
	rt := &fake.Runtime{ForeignVolume: true}
	_, err := a.applyWith(rt)
	if err == nil || !strings.Contains(err.Error(), "did not create") {
		t.Fatalf("err = %v, want a refusal", err)
	}
	if rt.RunCount() != 0 {
		t.Errorf("%d builders ran with the foreign volume", rt.RunCount())
	}
}

// Class "TOCTOU": the configuration edited while a build runs (as a `git
// checkout` would) discards that build instead of shipping content the
// lock does not describe.
func TestEditDuringBuildIsDetected(t *testing.T) {
	a := newArena(t, header+"variant \"a\" {\n  modules = [\"m.nix\"]\n}\n")
	a.write(filepath.Join(a.repo, "m.nix"), "{ ... }: { }\n")
	// A local engine bind-mounts the configuration, so an edit during the
	// build reaches the builder: the snapshot check must discard it. (A
	// remote engine gets the hashed bytes copied in; the edit cannot reach
	// it: engine/apply TestRemoteBuildShipsTheHashedBytes.)
	rt := &fake.Runtime{Local: true, During: func(runtimes.ContainerSpec) {
		a.write(filepath.Join(a.repo, "m.nix"), "{ ... }: { users.users.root.password = \"x\"; }\n")
	}}
	results, err := a.applyWith(rt)
	var changed *apply.ConfigChangedError
	if !errors.Is(err, apply.ErrBuildsFailed) || len(results) != 1 || !errors.As(results[0].Err, &changed) {
		t.Fatalf("err = %v, results %+v: want the build discarded", err, results)
	}
	if _, err := os.Stat(filepath.Join(a.repo, "out", "a.iso")); err == nil {
		t.Error("the artifact built from the edited configuration was committed")
	}
}

// Class "write" (modes): artifacts honour the umask; under umask 077
// they were forced to 0644.
func TestArtifactsHonourTheUmask(t *testing.T) {
	a := newArena(t, header+"variant \"a\" {}\n")
	old := syscall.Umask(0o077)
	_, err := a.applyWith(&fake.Runtime{})
	syscall.Umask(old)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"out/a.iso", "isos.lock.hcl"} {
		st, err := os.Stat(filepath.Join(a.repo, f))
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v under umask 077", f, st.Mode().Perm())
		}
	}
}
