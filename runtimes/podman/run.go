package podman

import (
	"context"
	"fmt"
	"io"

	nettypes "github.com/containers/common/libnetwork/types"
	"github.com/containers/podman/v4/pkg/bindings"
	"github.com/containers/podman/v4/pkg/bindings/containers"
	"github.com/containers/podman/v4/pkg/domain/entities"
	"github.com/containers/podman/v4/pkg/specgen"
	"github.com/isoforge/isoforge/runtimes"
	spec "github.com/opencontainers/runtime-spec/specs-go"
)

// Run implements runtimes.Runtime. Output comes through an attach made
// before the container starts, as `podman run` does: it ends as soon as
// the container exits, where a followed log stream lags by a poll.
func (r *Runtime) Run(ctx context.Context, cs runtimes.ContainerSpec, out runtimes.LineWriter) (int, error) {
	created, err := r.create(ctx, cs)
	if err != nil {
		return -1, fmt.Errorf("podman: creating container: %w", err)
	}
	defer runtimes.RemoveDetached(r, created.ID)
	if ctx.Err() != nil {
		return -1, ctx.Err()
	}
	c, cancel := r.with(ctx)
	defer cancel()
	if cs.CopyIn != nil {
		if err := copyIn(c, created.ID, cs.CopyIn); err != nil {
			return -1, err
		}
	}
	attached, err := r.attach(ctx, created.ID, out)
	if err != nil {
		return -1, err
	}
	if err := containers.Start(c, created.ID, nil); err != nil {
		return -1, fmt.Errorf("podman: starting container: %w", err)
	}
	// The service polls the container's state; its default of 250 ms
	// would add up to a quarter second to every build.
	interval := "50ms"
	code, err := containers.Wait(c, created.ID, &containers.WaitOptions{Conditions: []string{"exited", "stopped"}, Interval: &interval})
	if ctx.Err() != nil {
		return -1, ctx.Err()
	}
	if err != nil {
		return -1, fmt.Errorf("podman: waiting for container: %w", err)
	}
	runtimes.WaitForLogs(attached)
	for _, out := range cs.CopyOut {
		if code != 0 {
			break
		}
		if err := copyOut(c, created.ID, out); err != nil {
			return -1, err
		}
	}
	return int(code), nil
}

// create creates the container under runtimes.CreateContext, so a
// cancelled build still learns the ID of what the service created.
func (r *Runtime) create(ctx context.Context, cs runtimes.ContainerSpec) (entities.ContainerCreateResponse, error) {
	cc, cancelCreate := runtimes.CreateContext(ctx)
	defer cancelCreate()
	c, cancel := r.with(cc)
	defer cancel()
	return containers.CreateWithSpec(c, specFor(cs), nil)
}

// copyIn unpacks the spec's tar stream at / (libpod's archive PUT).
func copyIn(c context.Context, id string, fn func(io.Writer) error) error {
	pr := runtimes.CopyInReader(fn)
	defer pr.Close()
	copyFn, err := containers.CopyFromArchive(c, id, "/", pr)
	if err == nil {
		err = copyFn()
	}
	if err != nil {
		return fmt.Errorf("podman: copying the build inputs into the container: %w", err)
	}
	return nil
}

// copyOut streams a path of the exited container to out.Receive.
func copyOut(c context.Context, id string, out *runtimes.CopyOut) error {
	recv := runtimes.Receive(out)
	copyFn, err := containers.CopyToArchive(c, id, out.Path, recv)
	if err == nil {
		err = copyFn()
	}
	if err := recv.Finish(err); err != nil {
		return fmt.Errorf("podman: copying %s out of the container: %w", out.Path, err)
	}
	return nil
}

// attach streams the container's output. It uses a connection of its
// own: the bindings' Attach replaces its connection's HTTP transport,
// which must not happen under the other builds sharing r.conn.
func (r *Runtime) attach(ctx context.Context, id string, out runtimes.LineWriter) (<-chan struct{}, error) {
	conn, err := bindings.NewConnection(context.WithoutCancel(ctx), r.socket)
	if err != nil {
		return nil, fmt.Errorf("podman: connecting for output: %w", err)
	}
	c, cancel := context.WithCancel(conn)
	stop := context.AfterFunc(ctx, cancel)
	ready, done := make(chan bool, 1), make(chan struct{})
	errc := make(chan error, 1)
	lo, le := runtimes.NewLines("stdout", out), runtimes.NewLines("stderr", out)
	go func() {
		defer close(done)
		defer stop()
		defer cancel()
		yes := true
		errc <- containers.Attach(c, id, nil, lo, le, ready, &containers.AttachOptions{Stream: &yes})
		lo.Flush()
		le.Flush()
	}()
	select {
	case <-ready:
		return done, nil
	case err := <-errc:
		return nil, fmt.Errorf("podman: attaching to the container: %w", err)
	}
}

func specFor(cs runtimes.ContainerSpec) *specgen.SpecGenerator {
	s := specgen.NewSpecGenerator(cs.Image, false)
	s.Name = cs.Name
	s.Command = cs.Command
	s.Env = cs.Env
	s.WorkDir = cs.WorkingDir
	s.Labels = cs.Labels
	for _, b := range cs.Binds {
		opt := "rw"
		if b.ReadOnly {
			opt = "ro"
		}
		s.Mounts = append(s.Mounts, spec.Mount{Type: "bind", Source: b.Source, Destination: b.Target, Options: []string{"rbind", opt}})
	}
	for _, v := range cs.Volumes {
		s.Volumes = append(s.Volumes, &specgen.NamedVolume{Name: v.Name, Dest: v.Target})
	}
	for _, d := range cs.Devices {
		s.Devices = append(s.Devices, spec.LinuxDevice{Path: d})
	}
	for _, p := range cs.Ports {
		s.PortMappings = append(s.PortMappings, nettypes.PortMapping{
			HostIP: p.HostIP, HostPort: p.HostPort, ContainerPort: p.ContainerPort, Protocol: "tcp",
		})
	}
	s.ResourceLimits = &spec.LinuxResources{Pids: &spec.LinuxPids{Limit: cs.Pids()}}
	if cs.MemoryBytes > 0 {
		s.ResourceLimits.Memory = &spec.LinuxMemory{Limit: &cs.MemoryBytes}
	}
	s.NoNewPrivileges = true
	return s
}
