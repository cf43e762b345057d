package docker

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/runtimes/sshconn"
	"github.com/moby/moby/client"
)

// DefaultSocket is the daemon's socket, used on an ssh:// host that names
// no socket.
const DefaultSocket = "/var/run/docker.sock"

type dialFunc = func(ctx context.Context, network, addr string) (net.Conn, error)

// withTransport gives the client an HTTP transport of our own that never
// asks for gzip: dockerd compresses archive copies for a client that
// accepts it, which made a 512 MiB copy-out take 8.4 s instead of 0.9 s
// (moby#40577). WithHost must come before it: it reconfigures the
// transport it finds.
func withTransport(dial dialFunc) client.Opt {
	hc := &http.Client{Transport: &http.Transport{DialContext: dial, DisableCompression: true}}
	return client.WithHTTPClient(hc)
}

func unixDialer(path string) dialFunc {
	return func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", path)
	}
}

// dialSSH connects to an ssh:// host through isoforge's SSH dialer (host
// key checked against known_hosts) and returns a dialer of the remote
// daemon's socket.
func dialSSH(ctx context.Context, ep runtimes.Endpoint) (dialFunc, io.Closer, error) {
	t, err := sshconn.Parse(ep.Host)
	if err != nil {
		return nil, nil, err
	}
	if t.Socket == "" {
		t.Socket = DefaultSocket
	}
	c, err := sshconn.Dial(ctx, t, sshconn.Options{Identity: ep.Identity, KnownHosts: ep.KnownHosts})
	if err != nil {
		if sshconn.IsHostKey(err) {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("%w: %v", runtimes.ErrUnreachable, err)
	}
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		return c.DialSocket(ctx, t.Socket)
	}
	return dial, c, nil
}
