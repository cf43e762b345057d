package sshconn

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"sync"
)

// Forward serves a local unix socket whose every connection is a stream
// to a socket on the remote host. The Podman bindings accept only a URI
// and would otherwise dial SSH themselves, trusting unknown host keys;
// through Forward they talk to "unix://"+Path over this package's checked
// connection.
type Forward struct {
	// Path is the local socket, in a fresh 0700 directory.
	Path string
	dir  string
	ln   net.Listener
	wg   sync.WaitGroup
}

// Forward starts forwarding a local socket to remote.
func (c *Client) Forward(remote string) (*Forward, error) {
	dir, err := os.MkdirTemp("", "isoforge-ssh-")
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "engine.sock")
	ln, err := net.Listen("unix", path)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	f := &Forward{Path: path, dir: dir, ln: ln}
	f.wg.Add(1)
	go f.serve(c, remote)
	return f, nil
}

func (f *Forward) serve(c *Client, remote string) {
	defer f.wg.Done()
	for {
		local, err := f.ln.Accept()
		if err != nil {
			return
		}
		go splice(c, local, remote)
	}
}

// splice copies both ways until either side closes. A remote socket that
// cannot be opened closes the local connection at once, which the client
// sees as the engine being unreachable.
func splice(c *Client, local net.Conn, remote string) {
	defer local.Close()
	rc, err := c.DialSocket(context.Background(), remote)
	if err != nil {
		return
	}
	defer rc.Close()
	go func() { _, _ = io.Copy(rc, local); closeWrite(rc) }()
	// The engine's side ending (its reply sent, or the engine or the
	// connection gone) ends the local connection too: the deferred closes
	// unblock the copy above.
	_, _ = io.Copy(local, rc)
}

func closeWrite(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
	}
}

// Close stops accepting connections and removes the local socket.
func (f *Forward) Close() error {
	err := f.ln.Close()
	f.wg.Wait()
	return errors.Join(err, os.RemoveAll(f.dir))
}
