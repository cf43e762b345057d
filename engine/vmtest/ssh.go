package vmtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"
)

// ErrAuth is an SSH server that refused the test key.
var ErrAuth = errors.New("authentication failed")

// hostKeyForRun accepts the VM's host key the first time and insists on
// the same key for the rest of the run: the VM is thrown away, so no
// known_hosts file is read or written.
func hostKeyForRun() ssh.HostKeyCallback {
	var mu sync.Mutex
	var seen []byte
	return func(_ string, _ net.Addr, key ssh.PublicKey) error {
		mu.Lock()
		defer mu.Unlock()
		if seen == nil {
			seen = key.Marshal()
			return nil
		}
		if !bytes.Equal(seen, key.Marshal()) {
			return errors.New("the VM's host key changed during the test")
		}
		return nil
	}
}

// dialer logs in to a VM over a published port.
type dialer struct {
	addr   string
	config *ssh.ClientConfig
}

func newDialer(addr, user string, signer ssh.Signer) *dialer {
	return &dialer{addr: addr, config: &ssh.ClientConfig{
		User:            user,
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: hostKeyForRun(),
		Timeout:         10 * time.Second,
	}}
}

// dial makes one attempt. QEMU's port forward accepts connections before
// the guest listens and then closes them, so most early failures are
// "not up yet"; a refused key is final and wraps ErrAuth.
func (d *dialer) dial(ctx context.Context) (*ssh.Client, error) {
	var nd net.Dialer
	conn, err := nd.DialContext(ctx, "tcp", d.addr)
	if err != nil {
		return nil, err
	}
	_ = conn.SetDeadline(time.Now().Add(d.config.Timeout))
	c, chans, reqs, err := ssh.NewClientConn(conn, d.addr, d.config)
	if err != nil {
		conn.Close()
		if strings.Contains(err.Error(), "unable to authenticate") {
			return nil, fmt.Errorf("%w: %v", ErrAuth, err)
		}
		return nil, err
	}
	_ = conn.SetDeadline(time.Time{})
	return ssh.NewClient(c, chans, reqs), nil
}

// waitForSSH retries dial until it succeeds, the key is refused, the VM
// stops (stopped is closed) or ctx ends.
func (d *dialer) waitForSSH(ctx context.Context, stopped <-chan struct{}) (*ssh.Client, error) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		c, err := d.dial(ctx)
		if err == nil || errors.Is(err, ErrAuth) {
			return c, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-stopped:
			return nil, errVMStopped
		case <-tick.C:
		}
	}
}

var errVMStopped = errors.New("the VM stopped before ssh came up")

// run runs one command in a new session and returns its combined output.
func run(ctx context.Context, c *ssh.Client, cmd string) (string, error) {
	s, err := c.NewSession()
	if err != nil {
		return "", err
	}
	defer s.Close()
	stop := context.AfterFunc(ctx, func() { s.Close() })
	defer stop()
	out, err := s.CombinedOutput(cmd)
	return strings.TrimSpace(string(out)), err
}
