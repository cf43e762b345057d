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
	engine     string
	host       string
	identity   string
	knownHosts string
	builders   []string
}

func (r *runtimeFlags) register(cmd *cobra.Command) {
	cmd.Flags().Var(engineName{&r.engine}, "runtime", "container `ENGINE`: auto, podman or docker (default from ISOFORGE_RUNTIME or isos.hcl)")
	cmd.Flags().StringVar(&r.host, "host", "", "engine socket `URI`: unix:///run/podman/podman.sock, ssh://user@host:22/run/podman/podman.sock, ssh://user@host (Docker) (default CONTAINER_HOST / DOCKER_HOST, then the usual sockets)")
	cmd.Flags().StringVar(&r.identity, "identity", "", "SSH private key `file` for an ssh:// -host (default: ssh-agent)")
	cmd.Flags().StringSliceVar(&r.builders, "builder", nil, "run only on these builder blocks of isos.hcl (`NAME`, repeatable)")
	cmd.Flags().StringVar(&r.knownHosts, "known-hosts", "", "known_hosts `file` checked for an ssh:// -host's key (default $HOME/.ssh/known_hosts)")
}

// endpoint is where -host (else runtime { host }) points, with the SSH
// settings for ssh:// hosts.
func (r *runtimeFlags) endpoint(cfg *spec.Config) runtimes.Endpoint {
	host := r.host
	if host == "" && cfg != nil {
		host = cfg.Runtime.Host
	}
	return runtimes.Endpoint{Host: host, Identity: r.identity, KnownHosts: r.knownHosts}
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
	rt, err := runtimes.Open(ctx, r.name(cfg), r.endpoint(cfg))
	if err != nil {
		return nil, &exitError{code: exitError1, err: err}
	}
	return rt, nil
}
