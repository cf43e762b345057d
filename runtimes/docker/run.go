package docker

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"sort"
	"strconv"

	"github.com/isoforge/isoforge/runtimes"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// Run implements runtimes.Runtime.
func (r *Runtime) Run(ctx context.Context, cs runtimes.ContainerSpec, out runtimes.LineWriter) (int, error) {
	cc, cancel := runtimes.CreateContext(ctx)
	created, err := r.cli.ContainerCreate(cc, client.ContainerCreateOptions{
		Name: cs.Name, Config: configFor(cs), HostConfig: hostConfigFor(cs),
	})
	cancel()
	if err != nil {
		return -1, fmt.Errorf("docker: creating container: %w", err)
	}
	defer runtimes.RemoveDetached(r, created.ID)
	if ctx.Err() != nil {
		return -1, ctx.Err()
	}
	if cs.CopyIn != nil {
		if err := r.copyIn(ctx, created.ID, cs.CopyIn); err != nil {
			return -1, err
		}
	}
	if _, err := r.cli.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
		return -1, fmt.Errorf("docker: starting container: %w", err)
	}
	logsDone := r.streamLogs(ctx, created.ID, out)
	wait := r.cli.ContainerWait(ctx, created.ID, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	select {
	case res := <-wait.Result:
		runtimes.WaitForLogs(logsDone)
		if res.Error != nil && res.Error.Message != "" {
			return int(res.StatusCode), fmt.Errorf("docker: container failed: %s", res.Error.Message)
		}
		for _, out := range cs.CopyOut {
			if res.StatusCode != 0 {
				break
			}
			if err := r.copyOut(ctx, created.ID, out); err != nil {
				return -1, err
			}
		}
		return int(res.StatusCode), nil
	case err := <-wait.Error:
		if ctx.Err() != nil {
			return -1, ctx.Err()
		}
		return -1, fmt.Errorf("docker: waiting for container: %w", err)
	}
}

// copyIn unpacks the spec's tar stream at / (PUT /containers/ID/archive).
func (r *Runtime) copyIn(ctx context.Context, id string, fn func(io.Writer) error) error {
	pr := runtimes.CopyInReader(fn)
	defer pr.Close()
	_, err := r.cli.CopyToContainer(ctx, id, client.CopyToContainerOptions{DestinationPath: "/", Content: pr})
	if err != nil {
		return fmt.Errorf("docker: copying the build inputs into the container: %w", err)
	}
	return nil
}

// copyOut streams a path of the exited container to out.Receive.
func (r *Runtime) copyOut(ctx context.Context, id string, out *runtimes.CopyOut) error {
	res, err := r.cli.CopyFromContainer(ctx, id, client.CopyFromContainerOptions{SourcePath: out.Path})
	if err == nil {
		err = runtimes.ReceiveReader(out, res.Content)
	}
	if err != nil {
		return fmt.Errorf("docker: copying %s out of the container: %w", out.Path, err)
	}
	return nil
}

func (r *Runtime) streamLogs(ctx context.Context, id string, out runtimes.LineWriter) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		rc, err := r.cli.ContainerLogs(ctx, id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Follow: true})
		if err != nil {
			return
		}
		defer rc.Close()
		lo, le := runtimes.NewLines("stdout", out), runtimes.NewLines("stderr", out)
		_, _ = stdcopy.StdCopy(lo, le, rc)
		lo.Flush()
		le.Flush()
	}()
	return done
}

func configFor(cs runtimes.ContainerSpec) *container.Config {
	env := make([]string, 0, len(cs.Env))
	for k, v := range cs.Env {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	c := &container.Config{Image: cs.Image, Cmd: cs.Command, Env: env, WorkingDir: cs.WorkingDir, Labels: cs.Labels}
	for _, p := range cs.Ports {
		if c.ExposedPorts == nil {
			c.ExposedPorts = network.PortSet{}
		}
		c.ExposedPorts[tcpPort(p)] = struct{}{}
	}
	return c
}

func hostConfigFor(cs runtimes.ContainerSpec) *container.HostConfig {
	hc := &container.HostConfig{}
	for _, b := range cs.Binds {
		hc.Mounts = append(hc.Mounts, mount.Mount{Type: mount.TypeBind, Source: b.Source, Target: b.Target, ReadOnly: b.ReadOnly})
	}
	for _, v := range cs.Volumes {
		hc.Mounts = append(hc.Mounts, mount.Mount{Type: mount.TypeVolume, Source: v.Name, Target: v.Target})
	}
	for _, d := range cs.Devices {
		hc.Devices = append(hc.Devices, container.DeviceMapping{PathOnHost: d, PathInContainer: d, CgroupPermissions: "rwm"})
	}
	for _, p := range cs.Ports {
		if hc.PortBindings == nil {
			hc.PortBindings = network.PortMap{}
		}
		ip, _ := netip.ParseAddr(p.HostIP)
		hc.PortBindings[tcpPort(p)] = append(hc.PortBindings[tcpPort(p)],
			network.PortBinding{HostIP: ip, HostPort: strconv.Itoa(int(p.HostPort))})
	}
	hc.Memory = cs.MemoryBytes
	pids := cs.Pids()
	hc.PidsLimit = &pids
	hc.SecurityOpt = []string{"no-new-privileges"}
	return hc
}

func tcpPort(p runtimes.Port) network.Port {
	return network.MustParsePort(strconv.Itoa(int(p.ContainerPort)) + "/tcp")
}
