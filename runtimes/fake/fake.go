// Package fake is a FAKE container runtime for unit tests of the engine
// and the CLI. It starts no container and knows no container path: Run
// "builds" an artifact derived from the bytes the engine copies in and
// hands it back through the copy-out, as a remote engine would.
// Integration tests use the real podman and docker adapters instead.
package fake

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
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
	// Local makes the fake a local engine (SharesHostFS): the engine then
	// bind-mounts the work directory, and the fake writes the artifact
	// into the one writable bind instead of the copy-out.
	Local bool
	// LoseHostAt makes the n-th Run (from 1) lose the host, as a killed
	// remote engine does: that Run and every later call fail.
	LoseHostAt int
	gone       bool
	// Output are extra lines every build prints on stderr (e.g. Nix's
	// transient warnings), before it finishes.
	Output []string
	// FetchFail makes the init container fail with this line.
	FetchFail string
	// IDs maps image references to the IDs ImageID reports.
	IDs map[string]string
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
func (f factory) Open(context.Context, runtimes.Endpoint) (runtimes.Runtime, error) {
	return f.rt, nil
}

// Name implements runtimes.Runtime.
func (r *Runtime) Name() string { return Name }

// SharesHostFS implements runtimes.Runtime: unless Local is set, the fake
// behaves as a remote engine, so every file travels through CopyIn and
// CopyOut.
func (r *Runtime) SharesHostFS() bool { return r.Local }

// errGone is a lost connection to the engine.
var errGone = fmt.Errorf("%w: fake: connection to the engine lost", runtimes.ErrUnreachable)

func (r *Runtime) isGone() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.gone
}

// Info implements runtimes.Runtime.
func (r *Runtime) Info(context.Context) (runtimes.Info, error) {
	if r.isGone() {
		return runtimes.Info{}, errGone
	}
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
	if r.gone || len(r.Runs)+1 == r.LoseHostAt {
		r.gone = true
		r.mu.Unlock()
		return -1, errGone
	}
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

// writeArtifact "builds": the artifact is the sha256 of the copied-in
// tar stream, handed back as a one-file tar to the first copy-out.
func writeArtifact(cs runtimes.ContainerSpec) error {
	if cs.CopyIn == nil && len(cs.CopyOut) == 0 {
		return writeBound(cs)
	}
	if cs.CopyIn == nil || len(cs.CopyOut) == 0 {
		return fmt.Errorf("fake: the engine neither copied inputs in nor asked for the artifact")
	}
	h := sha256.New()
	var module bytes.Buffer
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(cs.CopyIn(pw)) }()
	if err := moduleOf(io.TeeReader(pr, h), &module); err != nil {
		pr.CloseWithError(err)
		return err
	}
	body := fmt.Sprintf("FAKE ISO %x\n%s", h.Sum(nil), module.Bytes())
	pr, pw = io.Pipe()
	go func() {
		tw := tar.NewWriter(pw)
		err := tw.WriteHeader(&tar.Header{Name: "artifact/nixos.iso", Mode: 0o444, Size: int64(len(body)), Typeflag: tar.TypeReg})
		if err == nil {
			_, err = io.WriteString(tw, body)
		}
		if err == nil {
			err = tw.Close()
		}
		pw.CloseWithError(err)
	}()
	if err := runtimes.ReceiveReader(cs.CopyOut[0], pr); err != nil {
		return err
	}
	// The fake pushes nothing: later copy-outs get an empty tar.
	for _, out := range cs.CopyOut[1:] {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(tar.NewWriter(pw).Close()) }()
		if err := runtimes.ReceiveReader(out, pr); err != nil {
			return err
		}
	}
	return nil
}

// writeBound "builds" for a Local fake: the artifact, derived from the
// rendered module, goes where the build script sends it on a local
// engine: into the named pipe artifact.pipe of the writable bind.
func writeBound(cs runtimes.ContainerSpec) error {
	out := ""
	for _, b := range cs.Binds {
		if !b.ReadOnly {
			out = b.Source
		}
	}
	if out == "" {
		return fmt.Errorf("fake: a local build mounted no writable directory")
	}
	module, err := os.ReadFile(filepath.Join(out, moduleName))
	if err != nil {
		return err
	}
	sum := sha256.Sum256(module)
	body := fmt.Sprintf("FAKE ISO %x\n%s", sum, module)
	pipe, err := os.OpenFile(filepath.Join(out, "artifact.pipe"), os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("fake: opening the artifact pipe: %w", err)
	}
	if _, err := io.WriteString(pipe, body); err != nil {
		pipe.Close()
		return err
	}
	return pipe.Close()
}

// moduleName is the rendered module's file name: the fake's artifact ends
// with it, so tests can check which configuration an artifact was built
// from (cmd/isoforge's soak test does).
const moduleName = "iso.nix"

// moduleOf reads a whole copy-in stream and keeps the file named
// moduleName, wherever the engine put it.
func moduleOf(r io.Reader, module *bytes.Buffer) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			_, err = io.Copy(io.Discard, r)
			return err
		}
		if err != nil {
			return err
		}
		if h.Typeflag == tar.TypeReg && path.Base(h.Name) == moduleName {
			module.Reset()
			if _, err := io.Copy(module, tr); err != nil {
				return err
			}
		}
	}
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

// ImageID implements runtimes.Runtime: the IDs map, else a digest of the
// reference with its tag cut off, so that tags of one fake repository
// share an ID (as two tags of one image do).
func (r *Runtime) ImageID(_ context.Context, ref string) (string, error) {
	if id, ok := r.IDs[ref]; ok {
		return id, nil
	}
	repo := ref
	if i := strings.LastIndexByte(ref, ':'); i > strings.LastIndexByte(ref, '/') {
		repo = ref[:i]
	}
	return fmt.Sprintf("sha256:%x", sha256.Sum256([]byte(repo))), nil
}

// Volume implements runtimes.Runtime.
func (r *Runtime) Volume(context.Context, string) (runtimes.VolumeInfo, error) {
	if r.ForeignVolume {
		return runtimes.VolumeInfo{Exists: true, Labels: map[string]string{"com.example.app": "db"}}, nil
	}
	return runtimes.VolumeInfo{Exists: true, Labels: map[string]string{runtimes.LabelVolume: "nix-store"}}, nil
}
