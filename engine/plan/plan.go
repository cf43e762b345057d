// Package plan compares each variant's current inputs and artifact with
// the lockfile and decides, with reasons, what a build must do.
package plan

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/isoforge/isoforge/engine/fingerprint"
	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/engine/render"
	"github.com/isoforge/isoforge/spec"
)

// Kind is what happens to one variant.
type Kind string

// The kinds of action, as plan prints them.
const (
	Create  Kind = "create"
	Rebuild Kind = "rebuild"
	NoOp    Kind = "no-op"
	Remove  Kind = "remove"
)

// Action is the decision for one variant.
type Action struct {
	Variant string
	Kind    Kind
	Reasons []string
	// Drift is set when the inputs match but the artifact does not.
	Drift bool
	// Spec, Module and Inputs are unset for Remove.
	Spec   spec.Variant
	Module render.Rendered
	Inputs fingerprint.Result
	// Files are the configuration files the inputs hash covers, with the
	// bytes that were hashed: a builder without the host's filesystem
	// gets exactly these, so a checkout during a long build cannot ship
	// an ISO whose lock entry records other content.
	Files map[string][]byte
	// Artifact is the artifact's slash path relative to the config dir.
	Artifact string
	Locked   *lockfile.Entry
}

// Builds reports whether the action runs a build.
func (a Action) Builds() bool { return a.Kind == Create || a.Kind == Rebuild }

// Plan is the decision for every selected variant.
type Plan struct {
	Pin lockfile.Pin
	// Builder is the builder image and its ID, when known (Options.ImageID).
	Builder lockfile.Builder
	Actions []Action
}

// Counts tallies the actions by kind.
func (p *Plan) Counts() map[Kind]int {
	c := map[Kind]int{}
	for _, a := range p.Actions {
		c[a.Kind]++
	}
	return c
}

// HasBuilds reports whether applying the plan runs a build.
func (p *Plan) HasBuilds() bool {
	for _, a := range p.Actions {
		if a.Builds() {
			return true
		}
	}
	return false
}

// HasChanges reports whether applying the plan would do anything.
func (p *Plan) HasChanges() bool {
	for _, a := range p.Actions {
		if a.Kind != NoOp {
			return true
		}
	}
	return false
}

// Options narrow and force a plan.
type Options struct {
	// Targets are glob patterns (path.Match) of variant names; empty = all.
	Targets []string
	// Replace forces these variants to rebuild.
	Replace []string
	// Verify re-hashes every artifact instead of trusting the stat cache.
	Verify bool
	// NoRefresh compares inputs with the lock only and ignores the output
	// directory (plan -refresh=false): the offline CI question "does the
	// committed lock match the configuration".
	NoRefresh bool
	// Prune says removed variants' artifacts will be deleted.
	Prune bool
	// ImageID is the builder image's content ID ("sha256:…") when known
	// (from the engine, or the lock for the same reference). The inputs
	// hash then uses it instead of the reference, so a mirror or a second
	// tag of the same image rebuilds nothing and a moved tag rebuilds all.
	ImageID string
}

// imageInput is the builder image's value in the inputs hash.
func imageInput(cfg *spec.Config, opts Options) string {
	if opts.ImageID != "" {
		return opts.ImageID
	}
	return cfg.Runtime.Image
}

// Build computes the plan.
func Build(cfg *spec.Config, lock *lockfile.Lock, pin lockfile.Pin, cache *fingerprint.StatCache, opts Options) (*Plan, error) {
	if err := checkNames(cfg, lock, opts); err != nil {
		return nil, err
	}
	p := &Plan{Pin: pin, Builder: lockfile.Builder{Image: cfg.Runtime.Image, ID: opts.ImageID}}
	files := newFileCache(cfg.Dir)
	configured := make(map[string]bool, len(cfg.Variants))
	for _, v := range cfg.Variants {
		if !selected(v.Name, opts.Targets) {
			continue
		}
		configured[v.Name] = true
		a, err := decide(cfg, v, lock, pin, cache, files, opts)
		if err != nil {
			return nil, err
		}
		p.Actions = append(p.Actions, a)
	}
	for _, name := range lock.VariantNames() {
		if configured[name] || !selected(name, opts.Targets) {
			continue
		}
		e, _ := lock.Variant(name)
		p.Actions = append(p.Actions, Action{Variant: name, Kind: Remove, Artifact: e.Artifact, Locked: &e,
			Reasons: []string{removeReason(e.Artifact, opts.Prune)}})
	}
	sort.SliceStable(p.Actions, func(i, j int) bool { return p.Actions[i].Variant < p.Actions[j].Variant })
	return p, nil
}

// Inputs renders a variant and fingerprints its inputs.
func Inputs(cfg *spec.Config, v spec.Variant, pin lockfile.Pin, opts Options) ([]byte, fingerprint.Result, error) {
	m, res, err := inputs(cfg, v, pin, newFileCache(cfg.Dir), opts)
	return m.Text, res, err
}

func inputs(cfg *spec.Config, v spec.Variant, pin lockfile.Pin, files *fileCache, opts Options) (render.Rendered, fingerprint.Result, error) {
	rendered := render.Render(v, render.Options{Revision: pin.Rev})
	mods, err := files.inputFiles(v.Inputs)
	if err != nil {
		return rendered, fingerprint.Result{}, err
	}
	res, err := fingerprint.Compute(fingerprint.Inputs{
		Rendered: rendered.Text, Files: mods, Format: v.Format, System: v.System,
		Image: imageInput(cfg, opts), Nixpkgs: pin.ID(), Renderer: render.Version, Settings: settings(v),
	})
	return rendered, res, err
}

func decide(cfg *spec.Config, v spec.Variant, lock *lockfile.Lock, pin lockfile.Pin, cache *fingerprint.StatCache, files *fileCache, opts Options) (Action, error) {
	rendered, res, err := inputs(cfg, v, pin, files, opts)
	if err != nil {
		return Action{}, err
	}
	a := Action{Variant: v.Name, Spec: v, Module: rendered, Inputs: res, Artifact: path.Join(cfg.OutputDir, v.FileName)}
	// Read once per plan: the cache returns the bytes that were hashed.
	if a.Files, err = files.inputFiles(v.Inputs); err != nil {
		return Action{}, err
	}
	e, ok := lock.Variant(v.Name)
	if !ok {
		a.Kind, a.Reasons = Create, []string{"not in " + lockfile.FileName}
		return a, nil
	}
	a.Locked = &e
	if e.InputsHash != res.Hash {
		a.Kind, a.Reasons = Rebuild, reasons(fingerprint.Diff(e.Inputs, res.Inputs))
	} else if drift := artifactDrift(cfg.Dir, a.Artifact, e, cache, opts); drift != "" {
		a.Kind, a.Drift, a.Reasons = Rebuild, true, []string{drift}
	} else {
		a.Kind = NoOp
	}
	if a.Kind == NoOp && contains(opts.Replace, v.Name) {
		a.Kind, a.Reasons = Rebuild, []string{"forced by -replace"}
	}
	return a, nil
}

// removeReason says what happens to a removed variant's artifact.
func removeReason(artifact string, prune bool) string {
	if prune {
		return fmt.Sprintf("no longer in the configuration (-prune: artifact %s deleted unless changed by hand)", artifact)
	}
	return fmt.Sprintf("no longer in the configuration (artifact %s kept; -prune deletes it)", artifact)
}

// artifactDrift explains why the artifact on disk does not match the
// lock, or returns "". With NoRefresh the output directory is not read.
func artifactDrift(dir, artifact string, e lockfile.Entry, cache *fingerprint.StatCache, opts Options) string {
	if e.Artifact != artifact {
		return fmt.Sprintf("artifact moved from %s to %s", e.Artifact, artifact)
	}
	if opts.NoRefresh {
		return ""
	}
	sum, _, err := cache.Sum(path.Join(dir, artifact), opts.Verify)
	switch {
	case errors.Is(err, fingerprint.ErrMissing):
		return "drift: " + artifact + " is missing"
	case err != nil:
		return "drift: cannot read " + artifact + ": " + err.Error()
	case sum != e.SHA256:
		return "drift: " + artifact + " no longer matches its sha256"
	}
	return ""
}

// settings lists a variant's settings as text, one entry each, from the
// attribute table; format and system are hashed as meta inputs.
func settings(v spec.Variant) map[string]string {
	out := make(map[string]string, len(spec.Attributes))
	for _, a := range spec.Attributes {
		if name, ok := strings.CutPrefix(a.Input, "setting/"); ok {
			out[name] = a.Text(&v)
		}
	}
	return out
}

// reasons turns changed inputs into what a person wants to read. A
// changed setting, format or file explains a changed module, so "rendered
// module changed" is said only alone.
func reasons(changes []fingerprint.Change) []string {
	out := make([]string, 0, len(changes))
	for _, c := range changes {
		if r := reason(c); r != "" && c.Name != "iso.nix" {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		out = append(out, "rendered module changed")
	}
	return out
}

func reason(c fingerprint.Change) string {
	switch {
	case c.Name == "meta/nixpkgs":
		return "nixpkgs pin changed"
	case c.Name == "meta/image":
		return "builder image changed"
	case c.Name == "meta/renderer":
		return "isoforge renderer changed"
	case strings.HasPrefix(c.Name, "meta/"):
		return strings.TrimPrefix(c.Name, "meta/") + " changed"
	case strings.HasPrefix(c.Name, "setting/"):
		return strings.TrimPrefix(c.Name, "setting/") + " changed"
	case strings.HasPrefix(c.Name, "src/") && c.How == "changed":
		return "file " + strings.TrimPrefix(c.Name, "src/") + " changed"
	case strings.HasPrefix(c.Name, "src/") && c.How == "added":
		return "now uses file " + strings.TrimPrefix(c.Name, "src/")
	case strings.HasPrefix(c.Name, "src/"):
		return "no longer uses file " + strings.TrimPrefix(c.Name, "src/")
	}
	return c.Name + " " + c.How
}

func selected(name string, targets []string) bool {
	if len(targets) == 0 {
		return true
	}
	for _, t := range targets {
		if ok, _ := path.Match(t, name); ok {
			return true
		}
	}
	return false
}

// checkNames rejects -target and -replace values that match nothing, a
// typo users would otherwise not notice.
func checkNames(cfg *spec.Config, lock *lockfile.Lock, opts Options) error {
	names := append(cfg.VariantNames(), lock.VariantNames()...)
	for _, t := range opts.Targets {
		if _, err := path.Match(t, ""); err != nil {
			return fmt.Errorf("-target %q is not a valid glob: %w", t, err)
		}
		if !anyMatch(t, names) {
			return fmt.Errorf("-target %q matches no variant; variants: %s", t, strings.Join(cfg.VariantNames(), ", "))
		}
	}
	configured := make(map[string]bool, len(cfg.Variants))
	for _, v := range cfg.Variants {
		configured[v.Name] = true
	}
	for _, r := range opts.Replace {
		if !configured[r] {
			return fmt.Errorf("-replace %q: no such variant; variants: %s", r, strings.Join(cfg.VariantNames(), ", "))
		}
	}
	return nil
}

func anyMatch(glob string, names []string) bool {
	for _, n := range names {
		if ok, _ := path.Match(glob, n); ok {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
