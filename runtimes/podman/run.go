package podman

import (
	"context"
	"fmt"

	"github.com/containers/podman/v4/pkg/bindings/containers"
	"github.com/containers/podman/v4/pkg/specgen"
	"github.com/isoforge/isoforge/runtimes"
	spec "github.com/opencontainers/runtime-spec/specs-go"
)

// Run implements runtimes.Runtime.
func (r *Runtime) Run(ctx context.Context, cs runtimes.ContainerSpec, out runtimes.LineWriter) (int, error) {
	c, cancel := r.with(ctx)
	defer cancel()
	created, err := containers.CreateWithSpec(c, specFor(cs), nil)
	if err != nil {
		return -1, fmt.Errorf("podman: creating container: %w", err)
	}
	defer runtimes.RemoveDetached(r, created.ID)
	if err := containers.Start(c, created.ID, nil); err != nil {
		return -1, fmt.Errorf("podman: starting container: %w", err)
	}
	logsDone := r.streamLogs(c, created.ID, out)
	code, err := containers.Wait(c, created.ID, &containers.WaitOptions{Conditions: []string{"exited", "stopped"}})
	if ctx.Err() != nil {
		return -1, ctx.Err()
	}
	if err != nil {
		return -1, fmt.Errorf("podman: waiting for container: %w", err)
	}
	runtimes.WaitForLogs(logsDone)
	return int(code), nil
}

func (r *Runtime) streamLogs(c context.Context, id string, out runtimes.LineWriter) <-chan struct{} {
	done := make(chan struct{})
	stdout, stderr := make(chan string, 64), make(chan string, 64)
	follow, yes := true, true
	go func() {
		_ = containers.Logs(c, id, &containers.LogOptions{Follow: &follow, Stdout: &yes, Stderr: &yes}, stdout, stderr)
		close(stdout)
		close(stderr)
	}()
	go func() {
		defer close(done)
		lo, le := runtimes.NewLines("stdout", out), runtimes.NewLines("stderr", out)
		for stdout != nil || stderr != nil {
			select {
			case s, ok := <-stdout:
				stdout = feed(lo, s, ok, stdout)
			case s, ok := <-stderr:
				stderr = feed(le, s, ok, stderr)
			}
		}
		lo.Flush()
		le.Flush()
	}()
	return done
}

// feed writes one log frame as it came; frames keep their newlines.
func feed(l *runtimes.Lines, s string, ok bool, ch chan string) chan string {
	if !ok {
		return nil
	}
	l.Write([]byte(s))
	return ch
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
	if cs.MemoryBytes > 0 {
		s.ResourceLimits = &spec.LinuxResources{Memory: &spec.LinuxMemory{Limit: &cs.MemoryBytes}}
	}
	return s
}
