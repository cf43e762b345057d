package main

import (
	"context"
	"os"

	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/spec"
	"github.com/spf13/cobra"

	// Adapters register themselves by name.
	_ "github.com/isoforge/isoforge/runtimes/docker"
	_ "github.com/isoforge/isoforge/runtimes/podman"
)

// runtimeFlags choose the container engine: -runtime, then
// ISOFORGE_RUNTIME, then runtime { engine } in isos.hcl, then probing.
type runtimeFlags struct {
	engine string
	host   string
}

func (r *runtimeFlags) register(cmd *cobra.Command) {
	cmd.Flags().Var(engineName{&r.engine}, "runtime", "container `ENGINE`: auto, podman or docker (default from ISOFORGE_RUNTIME or isos.hcl)")
	cmd.Flags().StringVar(&r.host, "host", "", "engine socket `URI`, e.g. unix:///run/podman/podman.sock (default CONTAINER_HOST / DOCKER_HOST, then the usual sockets)")
}

func (r *runtimeFlags) name(cfg *spec.Config) string {
	if r.engine != "" {
		return r.engine
	}
	if e := os.Getenv(envRuntime); e != "" {
		return e
	}
	if cfg != nil {
		return cfg.Runtime.Engine
	}
	return "auto"
}

func (r *runtimeFlags) open(ctx context.Context, cfg *spec.Config) (runtimes.Runtime, error) {
	rt, err := runtimes.Open(ctx, r.name(cfg), r.host)
	if err != nil {
		return nil, &exitError{code: exitError1, err: err}
	}
	return rt, nil
}
