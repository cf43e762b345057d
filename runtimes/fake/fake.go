// Package fake is a FAKE container runtime for unit tests of the engine
// and the CLI. It starts no container: Run "builds" by writing an
// artifact derived from the rendered iso.nix into the work directory the
// real builder would write to. Integration tests use the real podman and
// docker adapters instead.
package fake

import (
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/isoforge/isoforge/runtimes"
)

// Name registers the fake as -runtime fake (in test binaries only).
const Name = "fake"

// Runtime is the fake engine. Its zero value builds everything instantly.
type Runtime struct {
	mu sync.Mutex
	// Fail maps variant names to the exit code their build returns.
	Fail map[string]int
	// Delay makes each build take this long (or until cancelled).
	Delay time.Duration
	// Runs records the specs of every container run.
	Runs []runtimes.ContainerSpec
	// MissingImage makes EnsureImage fail as a failed pull does.
	MissingImage bool
	// Output are extra lines every build prints on stderr (e.g. Nix's
	// transient warnings), before it finishes.
	Output []string
	// FetchFail makes the init container fail with this line.
	FetchFail string
	// ForeignVolume makes the store volume exist without isoforge's
	// label, as another application's volume would.
	ForeignVolume bool
	// During runs inside each build, as something changing the host
	// while a real builder runs would (an edit, a git checkout).
	During  func(runtimes.ContainerSpec)
	running map[string]runtimes.Container
}

// Register makes "fake" selectable by name.
func Register(rt *Runtime) {
	runtimes.Register(factory{rt: rt})
}

type factory struct{ rt *Runtime }

func (f factory) Name() string  { return Name }
func (f factory) Priority() int { return 1000 }
func (f factory) Hint() string  { return "the fake runtime is always reachable" }
func (f factory) Open(context.Context, string) (runtimes.Runtime, error) {
	return f.rt, nil
}

// Name implements runtimes.Runtime.
func (r *Runtime) Name() string { return Name }

// Info implements runtimes.Runtime.
func (r *Runtime) Info(context.Context) (runtimes.Info, error) {
	return runtimes.Info{Engine: Name, Version: "0", APIVersion: "0", Endpoint: "fake://"}, nil
}

// EnsureImage implements runtimes.Runtime.
func (r *Runtime) EnsureImage(_ context.Context, ref string) error {
	if r.MissingImage {
		return &runtimes.ImageError{Engine: Name, Image: ref, Err: fmt.Errorf("no registry in the fake")}
	}
	return nil
}

// EnsureVolume implements runtimes.Runtime.
func (r *Runtime) EnsureVolume(context.Context, string) (bool, error) { return false, nil }

// Run implements runtimes.Runtime.
func (r *Runtime) Run(ctx context.Context, cs runtimes.ContainerSpec, out runtimes.LineWriter) (int, error) {
	r.mu.Lock()
	r.Runs = append(r.Runs, cs)
	if r.running == nil {
		r.running = map[string]runtimes.Container{}
	}
	r.running[cs.Name] = runtimes.Container{ID: cs.Name, Name: cs.Name, State: "running", Labels: cs.Labels}
	code, fails := r.Fail[cs.Labels[runtimes.LabelVariant]]
	r.mu.Unlock()
	defer func() { r.mu.Lock(); delete(r.running, cs.Name); r.mu.Unlock() }()
	if cs.Labels[runtimes.LabelVariant] == InitVariant {
		return r.fetch(cs, out)
	}
	out("stdout", "fake builder: "+cs.Labels[runtimes.LabelVariant])
	for _, l := range r.Output {
		out("stderr", l)
	}
	if r.During != nil {
		r.During(cs)
	}
	select {
	case <-ctx.Done():
		return -1, ctx.Err()
	case <-time.After(r.Delay):
	}
	if fails {
		out("stderr", "error: fake build failure")
		return code, nil
	}
	return 0, writeArtifact(cs)
}

// InitVariant labels the init container that fetches nixpkgs.
const InitVariant = "_init"

// FakeSource is the store path the fake "fetches" nixpkgs to.
const FakeSource = "/nix/store/00000000000000000000000000000000-source"

// fetch plays the init container: it prints the marker line of
// apply.FetchScript with a fake store path, or fails as a fetch with a
// hash mismatch does when FetchFail is set.
func (r *Runtime) fetch(cs runtimes.ContainerSpec, out runtimes.LineWriter) (int, error) {
	if r.FetchFail != "" {
		out("stderr", r.FetchFail)
		return 1, nil
	}
	out("stdout", `isoforge-nixpkgs="`+FakeSource+`"`)
	return 0, nil
}

func writeArtifact(cs runtimes.ContainerSpec) error {
	for _, b := range cs.Binds {
		if b.Target != "/isoforge/work" {
			continue
		}
		src, err := os.ReadFile(filepath.Join(b.Source, "iso.nix"))
		if err != nil {
			return err
		}
		sum := sha256.Sum256(src)
		body := fmt.Sprintf("FAKE ISO %x\n%s", sum, src)
		return os.WriteFile(filepath.Join(b.Source, "artifact", "nixos.iso"), []byte(body), 0o444)
	}
	return fmt.Errorf("fake: no work directory mounted")
}

// Containers implements runtimes.Runtime.
func (r *Runtime) Containers(_ context.Context, labels map[string]string) ([]runtimes.Container, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []runtimes.Container
	for _, c := range r.running {
		if matches(c.Labels, labels) {
			out = append(out, c)
		}
	}
	return out, nil
}

func matches(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

// Remove implements runtimes.Runtime.
func (r *Runtime) Remove(_ context.Context, id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.running, id)
	return nil
}

// Close implements runtimes.Runtime.
func (r *Runtime) Close() error { return nil }

// RunCount returns how many build containers ran (the init container
// that fetches nixpkgs is not counted).
func (r *Runtime) RunCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, cs := range r.Runs {
		if cs.Labels[runtimes.LabelVariant] != InitVariant {
			n++
		}
	}
	return n
}

// ImageExists implements runtimes.Runtime.
func (r *Runtime) ImageExists(context.Context, string) (bool, error) { return !r.MissingImage, nil }

// Volume implements runtimes.Runtime.
func (r *Runtime) Volume(context.Context, string) (runtimes.VolumeInfo, error) {
	if r.ForeignVolume {
		return runtimes.VolumeInfo{Exists: true, Labels: map[string]string{"com.example.app": "db"}}, nil
	}
	return runtimes.VolumeInfo{Exists: true, Labels: map[string]string{runtimes.LabelVolume: "nix-store"}}, nil
}
