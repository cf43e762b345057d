package main

import (
	"context"
	"os"

	"github.com/hashicorp/hcl/v2"
	"github.com/isoforge/isoforge/cmd/isoforge/internal/views"
	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/engine/pin"
	"github.com/isoforge/isoforge/engine/plan"
	"github.com/isoforge/isoforge/engine/workspace"
	"github.com/spf13/cobra"
)

// planFlags are shared by plan and apply.
type planFlags struct {
	configFlags
	targets []string
	replace []string
	verify  bool
	asJSON  bool
	// refresh is false with plan -refresh=false; apply always refreshes.
	refresh bool
	prune   bool
	// imageID is the builder image's ID when apply asked the engine.
	imageID string
}

func (p *planFlags) register(cmd *cobra.Command) {
	p.configFlags.register(cmd)
	cmd.Flags().StringArrayVar(&p.targets, "target", nil, "only variants matching `GLOB` (repeatable)")
	cmd.Flags().StringArrayVar(&p.replace, "replace", nil, "force variants matching `GLOB` to rebuild (repeatable)")
	cmd.Flags().BoolVar(&p.verify, "verify", false, "re-hash every artifact instead of trusting the stat cache")
	cmd.Flags().BoolVar(&p.asJSON, "json", false, "machine-readable output")
}

// openWorkspace loads the configuration and its lock, reporting
// diagnostics; it returns an exit error when they hold errors.
func openWorkspace(o *output, cf *configFlags) (*workspace.Workspace, error) {
	cfg, l, diags := cf.load(".")
	o.diagnostics(diags, l.Files())
	if diags.HasErrors() {
		return nil, o.fail(nil)
	}
	ws, lDiags := workspace.Open(cfg)
	o.diagnostics(lDiags, lockFiles(ws))
	if lDiags.HasErrors() {
		return nil, o.fail(nil)
	}
	return ws, nil
}

// openLockedWorkspace opens the workspace and takes its directory lock,
// so no other apply or clean works in it meanwhile.
func openLockedWorkspace(o *output, cf *configFlags) (*workspace.Workspace, func(), error) {
	ws, err := openWorkspace(o, cf)
	if err != nil {
		return nil, nil, err
	}
	lock, err := workspace.LockDir(ws.Cfg.Dir)
	if err != nil {
		return nil, nil, o.fail(err)
	}
	return ws, func() { lock.Release() }, nil
}

// lockFiles maps the lockfile's name to its source, for snippets.
func lockFiles(ws *workspace.Workspace) map[string]*hcl.File {
	if ws.LockFile == nil {
		return nil
	}
	return map[string]*hcl.File{lockfile.FileName: ws.LockFile}
}

func resolver() *pin.Resolver {
	return &pin.Resolver{ChannelsURL: os.Getenv(pin.ChannelsURLEnv), ArchivesURL: os.Getenv(pin.ArchivesURLEnv)}
}

// completePin downloads the pinned revision's archive once to record its
// NAR hash (when the lock has none for it), showing a progress bar on a
// terminal.
func completePin(ctx context.Context, s *streams, p lockfile.Pin) (lockfile.Pin, error) {
	if p.Local() || p.NarHash != "" {
		return p, nil
	}
	r := resolver()
	bar := views.NewProgressBar(s.err, "nixpkgs "+p.Rev[:12])
	r.Progress = bar.Update
	defer bar.Done()
	p, err := r.Complete(ctx, p)
	if err != nil {
		return p, &exitError{code: exitError1, err: err}
	}
	return p, nil
}

// computePlan resolves the pin (from the lock when possible) and plans.
func computePlan(ctx context.Context, ws *workspace.Workspace, pf *planFlags) (*plan.Plan, bool, error) {
	opts, err := pf.options(ws)
	if err != nil {
		return nil, false, err
	}
	p, resolved, err := ws.Pin(ctx, resolver(), false)
	if err != nil {
		return nil, false, err
	}
	opts.ImageID = pf.imageID
	pl, err := ws.Plan(p, opts)
	if err != nil {
		return nil, false, err
	}
	return pl, resolved, nil
}
