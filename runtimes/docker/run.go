package docker

import (
	"context"
	"fmt"
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
	created, err := r.cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Name: cs.Name, Config: configFor(cs), HostConfig: hostConfigFor(cs),
	})
	if err != nil {
		return -1, fmt.Errorf("docker: creating container: %w", err)
	}
	defer runtimes.RemoveDetached(r, created.ID)
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
		return int(res.StatusCode), nil
	case err := <-wait.Error:
		if ctx.Err() != nil {
			return -1, ctx.Err()
		}
		return -1, fmt.Errorf("docker: waiting for container: %w", err)
	}
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
