package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/runtimes/sshconn"
	"github.com/isoforge/isoforge/spec"
)

// selectedBuilders are the builder blocks a run uses: all of them, or the
// ones -builder names.
func (r *runtimeFlags) selectedBuilders(cfg *spec.Config) ([]spec.Builder, error) {
	if len(cfg.Builders) == 0 {
		if len(r.builders) > 0 {
			return nil, fmt.Errorf("-builder %s: isos.hcl declares no builder blocks", strings.Join(r.builders, ","))
		}
		return nil, nil
	}
	if r.engine != "" || r.host != "" {
		return nil, errors.New("-runtime and -host describe a single builder, but isos.hcl declares builder blocks: choose among them with -builder NAME")
	}
	if len(r.builders) == 0 {
		return cfg.Builders, nil
	}
	var out []spec.Builder
	for _, name := range r.builders {
		i := slices.IndexFunc(cfg.Builders, func(b spec.Builder) bool { return b.Name == name })
		if i < 0 {
			return nil, fmt.Errorf("-builder %s: no such builder block; isos.hcl declares %s", name, builderNames(cfg.Builders))
		}
		out = append(out, cfg.Builders[i])
	}
	return out, nil
}

func builderNames(bs []spec.Builder) string {
	names := make([]string, len(bs))
	for i, b := range bs {
		names[i] = b.Name
	}
	return strings.Join(names, ", ")
}

// openPool connects to every selected builder. A refused host key stops
// the run before anything starts; an unreachable builder is left out
// with a warning as long as another one answers.
func (r *runtimeFlags) openPool(ctx context.Context, warn func(string), cfg *spec.Config) ([]apply.Builder, error) {
	sel, err := r.selectedBuilders(cfg)
	if err != nil {
		return nil, &exitError{code: exitError1, err: err}
	}
	var pool []apply.Builder
	var errs []error
	for _, b := range sel {
		rt, err := runtimes.Open(ctx, b.Engine, runtimes.Endpoint{Host: b.Host, Identity: b.Identity, KnownHosts: b.KnownHosts})
		if err == nil {
			pool = append(pool, apply.Builder{Name: b.Name, Runtime: rt, Parallelism: b.Parallelism})
			continue
		}
		err = fmt.Errorf("builder %s: %w", b.Name, err)
		if sshconn.IsHostKey(err) || !errors.Is(err, runtimes.ErrUnreachable) {
			closePool(pool)
			return nil, &exitError{code: exitError1, err: err}
		}
		errs = append(errs, err)
	}
	if len(pool) == 0 {
		return nil, &exitError{code: exitError1, err: errors.Join(errs...)}
	}
	for _, err := range errs {
		warn(fmt.Sprintf("%v; building on the other builders", err))
	}
	return pool, nil
}

func closePool(pool []apply.Builder) {
	for _, b := range pool {
		if b.Runtime != nil {
			b.Runtime.Close()
		}
	}
}
