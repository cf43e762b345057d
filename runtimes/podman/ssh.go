package podman

import (
	"context"
	"fmt"
	"io"

	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/runtimes/sshconn"
)

// DefaultSocket is the rootful service's socket, used on an ssh:// host
// that names no socket.
const DefaultSocket = "/run/podman/podman.sock"

// openSSH reaches a Podman service on another host through isoforge's
// own SSH connection (host key checked against known_hosts) and a local
// forward of its socket; the bindings' own SSH code is never used, since
// it trusts unknown host keys.
func openSSH(ctx context.Context, ep runtimes.Endpoint) (runtimes.Runtime, error) {
	t, err := sshconn.Parse(ep.Host)
	if err != nil {
		return nil, err
	}
	if t.Socket == "" {
		t.Socket = DefaultSocket
	}
	client, err := sshconn.Dial(ctx, t, sshconn.Options{Identity: ep.Identity, KnownHosts: ep.KnownHosts})
	if err != nil {
		if sshconn.IsHostKey(err) {
			return nil, err
		}
		return nil, fmt.Errorf("%w: %v", runtimes.ErrUnreachable, err)
	}
	fwd, err := client.Forward(t.Socket)
	if err != nil {
		client.Close()
		return nil, fmt.Errorf("podman: forwarding %s: %w", ep.Host, err)
	}
	conn, err := connect(ctx, "unix://"+fwd.Path)
	if err != nil {
		fwd.Close()
		client.Close()
		return nil, fmt.Errorf("%w: %s: %v", runtimes.ErrUnreachable, ep.Host, err)
	}
	return &Runtime{conn: conn, endpoint: ep.Host, socket: "unix://" + fwd.Path, closers: []io.Closer{client, fwd}}, nil
}
