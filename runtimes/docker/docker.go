// Package docker runs isoforge builders through the Docker Engine API
// (github.com/moby/moby/client), negotiating the API version so it works
// with Docker 20.10 (API 1.41) and current engines alike.
package docker

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/isoforge/isoforge/runtimes"
	"github.com/moby/moby/client"
)

// Name is the engine name in isos.hcl and -runtime.
const Name = "docker"

// DefaultHost is used when neither a host nor DOCKER_HOST is given.
const DefaultHost = "unix:///var/run/docker.sock"

func init() { runtimes.Register(factory{}) }

type factory struct{}

func (factory) Name() string  { return Name }
func (factory) Priority() int { return 20 }
func (factory) Hint() string {
	return "start it with: systemctl start docker (or dockerd &)"
}

func (factory) Open(ctx context.Context, ep runtimes.Endpoint) (runtimes.Runtime, error) {
	host := ep.Host
	if host == "" {
		host = os.Getenv("DOCKER_HOST")
	}
	if host == "" {
		host = DefaultHost
	}
	rt := &Runtime{endpoint: host, local: runtimes.LocalSocket(host)}
	opts := []client.Opt{client.FromEnv, client.WithHost(host)}
	if strings.HasPrefix(host, "ssh://") {
		dial, closer, err := dialSSH(ctx, runtimes.Endpoint{Host: host, Identity: ep.Identity, KnownHosts: ep.KnownHosts})
		if err != nil {
			return nil, err
		}
		rt.local, rt.closer = false, closer
		// The client's own ssh:// support runs the ssh program (which may
		// trust unknown keys): talk HTTP to the remote socket instead.
		opts = []client.Opt{client.FromEnv, client.WithHost(DefaultHost), withTransport(dial)}
	} else if strings.HasPrefix(host, "unix://") {
		opts = append(opts, withTransport(unixDialer(strings.TrimPrefix(host, "unix://"))))
	}
	cli, err := client.New(opts...)
	if err != nil {
		rt.closeSSH()
		return nil, fmt.Errorf("docker: %s: %w", host, err)
	}
	rt.cli = cli
	if _, err := cli.Ping(ctx, client.PingOptions{}); err != nil {
		rt.Close()
		return nil, fmt.Errorf("%w: %s: %v", runtimes.ErrUnreachable, host, err)
	}
	return rt, nil
}

// Runtime is a connection to a Docker daemon.
type Runtime struct {
	cli      *client.Client
	endpoint string
	local    bool
	// closer ends the SSH connection of an ssh:// host.
	closer io.Closer
}

// SharesHostFS implements runtimes.Runtime.
func (r *Runtime) SharesHostFS() bool { return r.local }

func (r *Runtime) closeSSH() {
	if r.closer != nil {
		r.closer.Close()
	}
}

// Name implements runtimes.Runtime.
func (r *Runtime) Name() string { return Name }

// Info implements runtimes.Runtime.
func (r *Runtime) Info(ctx context.Context) (runtimes.Info, error) {
	v, err := r.cli.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return runtimes.Info{}, fmt.Errorf("%w: %s: %v", runtimes.ErrUnreachable, r.endpoint, err)
	}
	return runtimes.Info{Engine: Name, Version: v.Version, APIVersion: v.APIVersion, Endpoint: r.endpoint}, nil
}

// EnsureImage implements runtimes.Runtime.
func (r *Runtime) EnsureImage(ctx context.Context, ref string) error {
	_, err := r.cli.ImageInspect(ctx, ref)
	if err == nil {
		return nil
	}
	if !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("docker: checking image %s: %w", ref, err)
	}
	resp, err := r.cli.ImagePull(ctx, ref, client.ImagePullOptions{})
	if err != nil {
		return &runtimes.ImageError{Engine: Name, Image: ref, Err: err}
	}
	defer resp.Close()
	if err := resp.Wait(ctx); err != nil {
		return &runtimes.ImageError{Engine: Name, Image: ref, Err: err}
	}
	return nil
}

// EnsureVolume implements runtimes.Runtime.
func (r *Runtime) EnsureVolume(ctx context.Context, name string) (bool, error) {
	_, err := r.cli.VolumeInspect(ctx, name, client.VolumeInspectOptions{})
	if err == nil {
		return false, nil
	}
	if !cerrdefs.IsNotFound(err) {
		return false, fmt.Errorf("docker: checking volume %s: %w", name, err)
	}
	_, err = r.cli.VolumeCreate(ctx, client.VolumeCreateOptions{Name: name, Labels: map[string]string{runtimes.LabelVolume: "nix-store"}})
	if err != nil {
		return false, fmt.Errorf("docker: creating volume %s: %w", name, err)
	}
	return true, nil
}

// Containers implements runtimes.Runtime.
func (r *Runtime) Containers(ctx context.Context, labels map[string]string) ([]runtimes.Container, error) {
	f := client.Filters{}
	for k, v := range labels {
		f = f.Add("label", k+"="+v)
	}
	list, err := r.cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return nil, fmt.Errorf("docker: listing containers: %w", err)
	}
	out := make([]runtimes.Container, 0, len(list.Items))
	for _, c := range list.Items {
		name := ""
		if len(c.Names) > 0 {
			name = c.Names[0]
		}
		out = append(out, runtimes.Container{ID: c.ID, Name: name, State: string(c.State), Labels: c.Labels})
	}
	return out, nil
}

// Remove implements runtimes.Runtime.
func (r *Runtime) Remove(ctx context.Context, id string) error {
	_, err := r.cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true})
	if err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("docker: removing container %s: %w", id, err)
	}
	return nil
}

// Close implements runtimes.Runtime.
func (r *Runtime) Close() error {
	defer r.closeSSH()
	return r.cli.Close()
}

var _ io.Closer = (*Runtime)(nil)

// ImageExists implements runtimes.Runtime.
func (r *Runtime) ImageExists(ctx context.Context, ref string) (bool, error) {
	_, err := r.cli.ImageInspect(ctx, ref)
	if cerrdefs.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// ImageID implements runtimes.Runtime.
func (r *Runtime) ImageID(ctx context.Context, ref string) (string, error) {
	img, err := r.cli.ImageInspect(ctx, ref)
	if err != nil {
		return "", fmt.Errorf("docker: inspecting image %s: %w", ref, err)
	}
	return runtimes.NormalizeImageID(img.ID), nil
}

// Volume implements runtimes.Runtime.
func (r *Runtime) Volume(ctx context.Context, name string) (runtimes.VolumeInfo, error) {
	v, err := r.cli.VolumeInspect(ctx, name, client.VolumeInspectOptions{})
	if cerrdefs.IsNotFound(err) {
		return runtimes.VolumeInfo{}, nil
	}
	if err != nil {
		return runtimes.VolumeInfo{}, err
	}
	return runtimes.VolumeInfo{Exists: true, Mountpoint: v.Volume.Mountpoint, Labels: v.Volume.Labels}, nil
}
