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
func (a *Applier) build(ctx context.Context, nixpkgs string, act plan.Action, o Options) (Result, *commitReq) {
	start := time.Now()
	r := Result{Variant: act.Variant, Kind: act.Kind, Artifact: act.Artifact, LogPath: workspace.LogPath(a.Cfg.Dir, act.Variant)}
	emit(o, Event{Type: EventStart, Variant: act.Variant, Reasons: act.Reasons})
	req, err := a.runBuild(ctx, nixpkgs, act, o, &r)
	r.Duration = time.Since(start)
	r.Err = err
	return r, req
}

func (a *Applier) runBuild(ctx context.Context, nixpkgs string, act plan.Action, o Options, r *Result) (*commitReq, error) {
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
	cs, err := a.containerSpec(nixpkgs, act, work, o)
	if err != nil {
		return nil, err
	}
	code, err := a.Runtime.Run(ctx, cs, log.Line)
	if err != nil {
		return nil, runError(ctx, act, err)
	}
	if code != 0 {
		return nil, &BuildError{Variant: act.Variant, Code: code, LogPath: r.LogPath, Tail: log.Summary(), Hint: log.Hint()}
	}
	if err := a.checkSnapshot(ctx, act.Variant); err != nil {
		return nil, err
	}
	src, err := findArtifact(filepath.Join(work, "artifact"))
	if err != nil {
		return nil, err
	}
	dst := a.artifactFile(act.Artifact)
	c, err := stageArtifact(src, dst)
	if err != nil {
		return nil, err
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

// artifactFile is the file behind a slash path relative to the config dir.
func (a *Applier) artifactFile(artifact string) string {
	return filepath.Join(a.Cfg.Dir, filepath.FromSlash(artifact))
}

func prepareWork(work string, rendered []byte) error {
	if err := os.RemoveAll(work); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(work, "artifact"), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(work, "iso.nix"), rendered, 0o644)
}

// containerSpec is the least-privilege builder: the configuration
// read-only, only the work directory writable, the store (holding the
// verified nixpkgs at the store path nixpkgs) in a named volume,
// /dev/kvm only for formats that boot a VM.
func (a *Applier) containerSpec(nixpkgs string, act plan.Action, work string, o Options) (runtimes.ContainerSpec, error) {
	f, _ := spec.LookupFormat(act.Spec.Format)
	runID := o.RunID
	cs := runtimes.ContainerSpec{
		Name:    containerName(act.Variant, runID),
		Image:   a.Cfg.Runtime.Image,
		Command: []string{"/bin/sh", "-c", BuildScript(f, nixpkgs, ScriptOptions{ShowTrace: o.ShowTrace, System: act.Spec.System})},
		Env:     map[string]string{"XDG_CACHE_HOME": cacheDir, "TERM": "dumb"},
		Binds: []runtimes.Bind{
			{Source: a.Cfg.Dir, Target: render.SrcMount, ReadOnly: true},
			{Source: work, Target: workMount},
		},
		Volumes:     []runtimes.VolumeMount{{Name: a.Cfg.Runtime.NixVolume, Target: storeMount}},
		Labels:      Labels(a.Cfg.Dir, act.Variant, runID),
		MemoryBytes: int64(a.Cfg.Runtime.MemoryMiB) << 20,
	}
	nested, err := nestedReadOnlyBinds(a.Cfg.Dir)
	if err != nil {
		return cs, fmt.Errorf("reading the mounts below the configuration directory: %w", err)
	}
	cs.Binds = append(cs.Binds, nested...)
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
