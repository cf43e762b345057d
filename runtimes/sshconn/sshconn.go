// Package sshconn reaches a container engine's socket on another host
// over SSH. It is the one SSH dialer of isoforge: the Podman bindings and
// the Docker client both go through it. Host keys are checked against a
// known_hosts file and never trusted on first use (the podman bindings'
// own SSH code and the ssh program's defaults both write unknown keys).
package sshconn

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/crypto/ssh/knownhosts"
)

// HandshakeTimeout bounds connecting and authenticating, so a wrong or
// dead host fails the run within seconds, before anything starts there.
const HandshakeTimeout = 10 * time.Second

// Options say how to authenticate and which host keys to trust.
type Options struct {
	// Identity is a private key file; "" uses the ssh-agent at
	// SSH_AUTH_SOCK. A leading ~/ is the user's home directory.
	Identity string
	// KnownHosts is the known_hosts file; "" is $HOME/.ssh/known_hosts.
	KnownHosts string
}

// Target is a parsed ssh://user@host:port/socket address.
type Target struct {
	User string
	// Addr is host:port.
	Addr string
	// Socket is the engine's socket path on the remote host; "" when the
	// address names none.
	Socket string
}

// Parse reads ssh://[user@]host[:port][/socket]. The user defaults to the
// local user name and the port to 22.
func Parse(raw string) (Target, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "ssh" || u.Hostname() == "" {
		return Target{}, fmt.Errorf("%q is not an ssh://user@host:port/path address", raw)
	}
	t := Target{User: u.User.Username(), Socket: u.Path}
	port := u.Port()
	if port == "" {
		port = "22"
	}
	t.Addr = net.JoinHostPort(u.Hostname(), port)
	if t.User == "" {
		cur, err := user.Current()
		if err != nil {
			return Target{}, fmt.Errorf("%s names no user and the local user is unknown: write ssh://USER@%s", raw, u.Host)
		}
		t.User = cur.Username
	}
	return t, nil
}

// Client is an authenticated SSH connection to one host.
type Client struct {
	ssh    *ssh.Client
	target Target
}

// Dial connects to t and checks its host key. An unknown or changed key
// fails with a *HostKeyError.
func Dial(ctx context.Context, t Target, o Options) (*Client, error) {
	cfg, err := clientConfig(t, o)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, HandshakeTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", t.Addr)
	if err != nil {
		return nil, fmt.Errorf("ssh %s: %w", t.Addr, err)
	}
	// The handshake itself takes no context: bound it with a deadline.
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	c, chans, reqs, err := ssh.NewClientConn(conn, t.Addr, cfg)
	if err != nil {
		conn.Close()
		var hk *HostKeyError
		if errors.As(err, &hk) {
			return nil, hk
		}
		return nil, fmt.Errorf("ssh %s@%s: %w", t.User, t.Addr, err)
	}
	_ = conn.SetDeadline(time.Time{})
	return &Client{ssh: ssh.NewClient(c, chans, reqs), target: t}, nil
}

// DialSocket opens a stream to a unix socket on the remote host (the
// direct-streamlocal channel of OpenSSH), as `ssh -L` would.
func (c *Client) DialSocket(ctx context.Context, path string) (net.Conn, error) {
	conn, err := c.ssh.DialContext(ctx, "unix", path)
	if err != nil {
		return nil, fmt.Errorf("ssh %s: opening %s: %w", c.target.Addr, path, err)
	}
	return conn, nil
}

// Close ends the connection.
func (c *Client) Close() error { return c.ssh.Close() }

func clientConfig(t Target, o Options) (*ssh.ClientConfig, error) {
	auth, err := authMethod(o.Identity)
	if err != nil {
		return nil, err
	}
	khPath, err := knownHostsPath(o.KnownHosts)
	if err != nil {
		return nil, err
	}
	check, err := knownhosts.New(khPath)
	if err != nil {
		return nil, fmt.Errorf("reading known_hosts %s: %w (add the builder's host key there, or set the builder's known_hosts)", khPath, err)
	}
	return &ssh.ClientConfig{
		User:              t.User,
		Auth:              []ssh.AuthMethod{auth},
		HostKeyCallback:   strictHostKey(check, khPath),
		HostKeyAlgorithms: knownAlgorithms(check, t.Addr),
		Timeout:           HandshakeTimeout,
	}, nil
}

func authMethod(identity string) (ssh.AuthMethod, error) {
	if identity == "" {
		sock := os.Getenv("SSH_AUTH_SOCK")
		if sock == "" {
			return nil, errors.New("no SSH identity: set the builder's identity to a private key file, or start ssh-agent (SSH_AUTH_SOCK is unset)")
		}
		conn, err := net.Dial("unix", sock)
		if err != nil {
			return nil, fmt.Errorf("reaching ssh-agent at %s: %w", sock, err)
		}
		return ssh.PublicKeysCallback(agent.NewClient(conn).Signers), nil
	}
	path, err := expandHome(identity)
	if err != nil {
		return nil, err
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading SSH identity: %w", err)
	}
	signer, err := ssh.ParsePrivateKey(pem)
	if err != nil {
		return nil, fmt.Errorf("SSH identity %s: %w (a passphrase-protected key must be loaded into ssh-agent instead)", path, err)
	}
	return ssh.PublicKeys(signer), nil
}

func knownHostsPath(p string) (string, error) {
	if p != "" {
		return expandHome(p)
	}
	home := os.Getenv("HOME")
	if home == "" {
		return "", errors.New("HOME is unset: set the builder's known_hosts to the file holding its host key")
	}
	return filepath.Join(home, ".ssh", "known_hosts"), nil
}

func expandHome(p string) (string, error) {
	if !strings.HasPrefix(p, "~/") {
		return p, nil
	}
	home := os.Getenv("HOME")
	if home == "" {
		return "", fmt.Errorf("%s starts with ~/ but HOME is unset", p)
	}
	return filepath.Join(home, p[2:]), nil
}

// knownAlgorithms asks the server for the key types known_hosts holds for
// addr, so a host with several keys presents one we can check instead of
// one that would look like a changed key. It probes the callback with a
// key no host has; the error lists the known ones.
func knownAlgorithms(check ssh.HostKeyCallback, addr string) []string {
	probe, _ := ssh.NewPublicKey(ed25519.PublicKey(make([]byte, ed25519.PublicKeySize)))
	var ke *knownhosts.KeyError
	if err := check(addr, &net.TCPAddr{}, probe); !errors.As(err, &ke) || len(ke.Want) == 0 {
		return nil
	}
	var algs []string
	for _, k := range ke.Want {
		switch t := k.Key.Type(); t {
		case ssh.KeyAlgoRSA:
			algs = append(algs, ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA)
		default:
			algs = append(algs, t)
		}
	}
	return algs
}
