package apply

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/isoforge/isoforge/engine/plan"
	"github.com/isoforge/isoforge/engine/render"
	"github.com/isoforge/isoforge/engine/workspace"
	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/spec"
)

// build runs one variant's builder and stages its artifact. It returns
// the commit to queue, or nil with r.Err set when the build failed.
func (a *Applier) build(ctx context.Context, b Builder, act plan.Action, o Options) (Result, *commitReq) {
	start := time.Now()
	o = o.forBuilder(b.Name)
	r := Result{Variant: act.Variant, Kind: act.Kind, Artifact: act.Artifact, LogPath: workspace.LogPath(a.Cfg.Dir, act.Variant), Builder: b.Name}
	emit(o, Event{Type: EventStart, Variant: act.Variant, Reasons: act.Reasons})
	req, err := a.runBuild(ctx, b.Runtime, b.nixpkgs, act, o, &r)
	r.Duration = time.Since(start)
	r.Err = err
	return r, req
}

func (a *Applier) runBuild(ctx context.Context, rt runtimes.Runtime, nixpkgs string, act plan.Action, o Options, r *Result) (*commitReq, error) {
	work := workspace.WorkDir(a.Cfg.Dir, act.Variant)
	defer os.RemoveAll(work)
	if err := prepareWork(work, act.Module.Text); err != nil {
		return nil, err
	}
	log, err := newBuildLog(r.LogPath, act.Variant, o, newLogMapper(a.Cfg.Dir, act))
	if err != nil {
		return nil, err
	}
	defer log.Close()
	dst := a.artifactFile(act.Artifact)
	var c copied
	cs, err := a.containerSpec(rt, nixpkgs, act, work, o)
	if err != nil {
		return nil, err
	}
	var pipe *artifactPipe
	if rt.SharesHostFS() {
		if pipe, err = openArtifactPipe(work, dst); err != nil {
			return nil, err
		}
	} else {
		cs.CopyOut = append([]*runtimes.CopyOut{receiveArtifact(dst, &c)}, cs.CopyOut...)
	}
	code, err := rt.Run(ctx, cs, log.Line)
	var staged error
	if pipe != nil {
		c, staged = pipe.wait()
	}
	if err != nil {
		discard(c)
		return nil, runError(ctx, act, err)
	}
	if code != 0 {
		discard(c)
		return nil, &BuildError{Variant: act.Variant, Code: code, LogPath: r.LogPath, Tail: log.Summary(), Hint: log.Hint()}
	}
	if staged != nil {
		return nil, fmt.Errorf("receiving the artifact of %s: %w", act.Variant, staged)
	}
	if rt.SharesHostFS() {
		// A bind-mounted configuration is read live: check nothing changed
		// under the build. A remote builder got the hashed bytes copied in.
		if err := a.checkSnapshot(ctx, act.Variant); err != nil {
			discard(c)
			return nil, err
		}
	}
	if o.Test != nil && ctx.Err() == nil {
		if err := o.Test(ctx, act.Spec, c.tmp); err != nil {
			os.Remove(c.tmp)
			return nil, err
		}
	}
	if ctx.Err() != nil {
		os.Remove(c.tmp)
		return nil, ctx.Err()
	}
	r.SHA256, r.Size = c.sha256, c.size
	return &commitReq{act: act, c: c, dst: dst}, nil
}

// discard removes a staged artifact that will not be committed.
func discard(c copied) {
	if c.tmp != "" {
		os.Remove(c.tmp)
	}
}

// artifactFile is the file behind a slash path relative to the config dir.
func (a *Applier) artifactFile(artifact string) string {
	return filepath.Join(a.Cfg.Dir, filepath.FromSlash(artifact))
}

func prepareWork(work string, rendered []byte) error {
	if err := os.RemoveAll(work); err != nil {
		return err
	}
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(work, "iso.nix"), rendered, 0o644)
}

// containerSpec is the least-privilege builder: the store (holding the
// verified nixpkgs at the store path nixpkgs) in a named volume, /dev/kvm
// only for formats that boot a VM. A local engine gets the configuration
// bind-mounted read-only and only the work directory writable (measured
// faster than the archive API: ../shared/README.md, 522 vs 327 MiB/s for
// 512 MiB). A remote engine never bind-mounts: the hashed inputs are
// copied in and the artifact streamed out.
func (a *Applier) containerSpec(rt runtimes.Runtime, nixpkgs string, act plan.Action, work string, o Options) (runtimes.ContainerSpec, error) {
	f, _ := spec.LookupFormat(act.Spec.Format)
	runID := o.RunID
	caches, err := newCacheSetup(a.Cfg.Cache, rt.SharesHostFS())
	if err != nil {
		return runtimes.ContainerSpec{}, err
	}
	cs := runtimes.ContainerSpec{
		Name:        containerName(act.Variant, runID),
		Image:       a.Cfg.Runtime.Image,
		Command:     []string{"/bin/sh", "-c", BuildScript(f, nixpkgs, ScriptOptions{ShowTrace: o.ShowTrace, System: act.Spec.System, Cache: caches.script})},
		Env:         map[string]string{"XDG_CACHE_HOME": cacheDir, "TERM": "dumb"},
		Volumes:     []runtimes.VolumeMount{{Name: a.Cfg.Runtime.NixVolume, Target: storeMount}},
		Labels:      Labels(a.Cfg.Dir, act.Variant, runID),
		MemoryBytes: int64(a.Cfg.Runtime.MemoryMiB) << 20,
	}
	if rt.SharesHostFS() {
		cs.Binds = []runtimes.Bind{
			{Source: a.Cfg.Dir, Target: render.SrcMount, ReadOnly: true},
			{Source: work, Target: workMount},
		}
		nested, err := nestedReadOnlyBinds(a.Cfg.Dir)
		if err != nil {
			return cs, fmt.Errorf("reading the mounts below the configuration directory: %w", err)
		}
		cs.Binds = append(cs.Binds, nested...)
		cs.Binds = append(cs.Binds, caches.binds...)
		cs.CopyIn = caches.tar()
	} else {
		cs.CopyIn = inputsTar(act, caches)
	}
	if out := caches.pushOut(); out != nil {
		cs.CopyOut = append(cs.CopyOut, out)
	}
	if f.NeedsKVM {
		// The engine's host, not this one, must have the device: the
		// engine refuses the container otherwise (see runBuild), and the
		// build script checks it can be opened.
		cs.Devices = []string{"/dev/kvm"}
	}
	return cs, nil
}

func containerName(variant, runID string) string {
	return "isoforge-" + variant + "-" + runID
}

// runError explains an engine that could not run a VM format's builder:
// engines refuse a container whose device the host lacks.
func runError(ctx context.Context, act plan.Action, err error) error {
	f, _ := spec.LookupFormat(act.Spec.Format)
	if ctx.Err() != nil || !f.NeedsKVM || !strings.Contains(err.Error(), "/dev/kvm") {
		return err
	}
	return fmt.Errorf("%s (%w)", KVMUnusable(f.Name, "the container engine could not pass /dev/kvm to the builder"), err)
}

// BuildError is a builder that exited non-zero.
type BuildError struct {
	Variant string
	Code    int
	LogPath string
	Tail    []string
	// Hint explains a failure isoforge recognised in the log, or is "".
	Hint string
}

func (e *BuildError) Error() string {
	msg := fmt.Sprintf("build of %s failed (exit code %d); full log: %s\n    %s",
		e.Variant, e.Code, e.LogPath, strings.Join(e.Tail, "\n    "))
	if e.Hint != "" {
		msg += "\n" + e.Hint
	}
	return msg
}

// IsBuildError reports whether err is a failed builder.
func IsBuildError(err error) bool {
	var be *BuildError
	return errors.As(err, &be)
}
