// Package podman runs isoforge builders through Podman's libpod API
// (github.com/containers/podman/v4/pkg/bindings). Build with CGO_ENABLED=0
// and the tags listed in the README.
package podman

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/containers/podman/v4/pkg/bindings"
	"github.com/containers/podman/v4/pkg/bindings/containers"
	"github.com/containers/podman/v4/pkg/bindings/images"
	"github.com/containers/podman/v4/pkg/bindings/system"
	"github.com/containers/podman/v4/pkg/bindings/volumes"
	"github.com/containers/podman/v4/pkg/domain/entities"
	"github.com/isoforge/isoforge/runtimes"
)

// Name is the engine name in isos.hcl and -runtime.
const Name = "podman"

func init() { runtimes.Register(factory{}) }

type factory struct{}

func (factory) Name() string  { return Name }
func (factory) Priority() int { return 10 }
func (factory) Hint() string {
	return "start it with: podman system service --time=0 unix:///run/podman/podman.sock & (or systemctl --user start podman.socket)"
}

// Endpoints lists the sockets tried when no host is given: CONTAINER_HOST,
// the rootful socket, then the rootless one.
func Endpoints() []string {
	var eps []string
	if h := os.Getenv("CONTAINER_HOST"); h != "" {
		eps = append(eps, h)
	}
	eps = append(eps, "unix:///run/podman/podman.sock")
	if xdg := os.Getenv("XDG_RUNTIME_DIR"); xdg != "" {
		eps = append(eps, "unix://"+filepath.Join(xdg, "podman", "podman.sock"))
	}
	return eps
}

func (factory) Open(ctx context.Context, ep runtimes.Endpoint) (runtimes.Runtime, error) {
	if ep.IsSSH() {
		return openSSH(ctx, ep)
	}
	eps := Endpoints()
	if ep.Host != "" {
		eps = []string{ep.Host}
	}
	var errs []error
	for _, uri := range eps {
		conn, err := connect(ctx, uri)
		if err == nil {
			return &Runtime{conn: conn, endpoint: uri, socket: uri, local: runtimes.LocalSocket(uri)}, nil
		}
		errs = append(errs, fmt.Errorf("%s: %v", uri, err))
	}
	return nil, fmt.Errorf("%w: %w", runtimes.ErrUnreachable, errors.Join(errs...))
}

// connect opens the bindings' connection to a unix socket URI. The
// bindings keep the connection in a context: it must outlive the
// caller's cancellation, or containers could not be removed after a
// Ctrl-C. Each call gets the caller's cancellation through with().
func connect(ctx context.Context, uri string) (context.Context, error) {
	// The bindings try a failed request three times, sleeping 100, 200
	// and 300 ms: an absent or refusing socket cost every probe 0.6 s
	// (an up-to-date apply with no engine running took 630 ms, not 20).
	// A dial answers at once.
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", strings.TrimPrefix(uri, "unix://"))
	if err != nil {
		return nil, err
	}
	c.Close()
	conn, err := bindings.NewConnection(context.WithoutCancel(ctx), uri)
	if err != nil {
		return nil, err
	}
	// Docker's socket answers /_ping too, without a libpod version.
	if v := bindings.ServiceVersion(conn); v == nil || v.Major == 0 {
		return nil, errors.New("the service there is not Podman (no Libpod-API-Version)")
	}
	return conn, nil
}

// Runtime is a connection to a Podman service.
type Runtime struct {
	conn context.Context
	// endpoint is what the user named; socket is the unix URI the
	// bindings dial (a local forward of endpoint when it is ssh://).
	endpoint string
	socket   string
	local    bool
	// closers end the SSH connection and its forward.
	closers []io.Closer
}

// with carries the caller's cancellation into the bindings, which keep
// their connection in a context value.
func (r *Runtime) with(ctx context.Context) (context.Context, context.CancelFunc) {
	c, cancel := context.WithCancel(r.conn)
	stop := context.AfterFunc(ctx, cancel)
	return c, func() { stop(); cancel() }
}

// Name implements runtimes.Runtime.
func (r *Runtime) Name() string { return Name }

// Info implements runtimes.Runtime.
func (r *Runtime) Info(ctx context.Context) (runtimes.Info, error) {
	c, cancel := r.with(ctx)
	defer cancel()
	v, err := system.Version(c, nil)
	if err != nil {
		return runtimes.Info{}, fmt.Errorf("%w: %s: %v", runtimes.ErrUnreachable, r.endpoint, err)
	}
	info := runtimes.Info{Engine: Name, Endpoint: r.endpoint}
	if v.Server != nil {
		info.Version, info.APIVersion = v.Server.Version, v.Server.APIVersion
	}
	return info, nil
}

// EnsureImage implements runtimes.Runtime.
func (r *Runtime) EnsureImage(ctx context.Context, ref string) error {
	c, cancel := r.with(ctx)
	defer cancel()
	ok, err := images.Exists(c, ref, nil)
	if err != nil {
		return fmt.Errorf("podman: checking image %s: %w", ref, err)
	}
	if ok {
		return nil
	}
	quiet := true
	if _, err := images.Pull(c, ref, &images.PullOptions{Quiet: &quiet}); err != nil {
		return &runtimes.ImageError{Engine: Name, Image: ref, Err: err}
	}
	return nil
}

// EnsureVolume implements runtimes.Runtime.
func (r *Runtime) EnsureVolume(ctx context.Context, name string) (bool, error) {
	c, cancel := r.with(ctx)
	defer cancel()
	ok, err := volumes.Exists(c, name, nil)
	if err != nil {
		return false, fmt.Errorf("podman: checking volume %s: %w", name, err)
	}
	if ok {
		return false, nil
	}
	_, err = volumes.Create(c, entities.VolumeCreateOptions{Name: name, Label: map[string]string{runtimes.LabelVolume: "nix-store"}}, nil)
	if err != nil {
		return false, fmt.Errorf("podman: creating volume %s: %w", name, err)
	}
	return true, nil
}

// Containers implements runtimes.Runtime.
func (r *Runtime) Containers(ctx context.Context, labels map[string]string) ([]runtimes.Container, error) {
	c, cancel := r.with(ctx)
	defer cancel()
	all := true
	var filters []string
	for k, v := range labels {
		filters = append(filters, k+"="+v)
	}
	list, err := containers.List(c, &containers.ListOptions{All: &all, Filters: map[string][]string{"label": filters}})
	if err != nil {
		return nil, fmt.Errorf("podman: listing containers: %w", err)
	}
	out := make([]runtimes.Container, 0, len(list))
	for _, ct := range list {
		name := ""
		if len(ct.Names) > 0 {
			name = ct.Names[0]
		}
		out = append(out, runtimes.Container{ID: ct.ID, Name: name, State: ct.State, Labels: ct.Labels})
	}
	return out, nil
}

// Remove implements runtimes.Runtime.
func (r *Runtime) Remove(ctx context.Context, id string) error {
	c, cancel := r.with(ctx)
	defer cancel()
	force, timeout := true, uint(0)
	_, err := containers.Remove(c, id, &containers.RemoveOptions{Force: &force, Timeout: &timeout})
	return err
}

// Close implements runtimes.Runtime.
func (r *Runtime) Close() error {
	var errs []error
	for i := len(r.closers) - 1; i >= 0; i-- {
		errs = append(errs, r.closers[i].Close())
	}
	return errors.Join(errs...)
}

// SharesHostFS implements runtimes.Runtime.
func (r *Runtime) SharesHostFS() bool { return r.local }

// ImageExists implements runtimes.Runtime.
func (r *Runtime) ImageExists(ctx context.Context, ref string) (bool, error) {
	c, cancel := r.with(ctx)
	defer cancel()
	return images.Exists(c, ref, nil)
}

// ImageID implements runtimes.Runtime.
func (r *Runtime) ImageID(ctx context.Context, ref string) (string, error) {
	c, cancel := r.with(ctx)
	defer cancel()
	img, err := images.GetImage(c, ref, nil)
	if err != nil {
		return "", fmt.Errorf("podman: inspecting image %s: %w", ref, err)
	}
	return runtimes.NormalizeImageID(img.ID), nil
}

// Volume implements runtimes.Runtime.
func (r *Runtime) Volume(ctx context.Context, name string) (runtimes.VolumeInfo, error) {
	c, cancel := r.with(ctx)
	defer cancel()
	ok, err := volumes.Exists(c, name, nil)
	if err != nil || !ok {
		return runtimes.VolumeInfo{}, err
	}
	v, err := volumes.Inspect(c, name, nil)
	if err != nil {
		return runtimes.VolumeInfo{}, err
	}
	return runtimes.VolumeInfo{Exists: true, Mountpoint: v.Mountpoint, Labels: v.Labels}, nil
}
