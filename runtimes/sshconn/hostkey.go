package sshconn

import (
	"errors"
	"fmt"
	"net"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// HostKeyError is a host key that known_hosts does not vouch for: unknown
// (Changed false) or different from the recorded one (Changed true).
type HostKeyError struct {
	Addr        string
	KeyType     string
	Fingerprint string
	KnownHosts  string
	Changed     bool
	// Line is where the differing key is recorded, when Changed.
	Line int
}

func (e *HostKeyError) Error() string {
	host := knownhosts.Normalize(e.Addr)
	if e.Changed {
		return fmt.Sprintf("ssh %s: the host key changed: it presented %s %s, which differs from the key on line %d of %s; "+
			"if the host was reinstalled, check the new key with its administrator, then replace that line (ssh-keygen -R %s -f %s)",
			e.Addr, e.KeyType, e.Fingerprint, e.Line, e.KnownHosts, host, e.KnownHosts)
	}
	h, port, _ := net.SplitHostPort(e.Addr)
	return fmt.Sprintf("ssh %s: unknown host key %s %s: it is not in %s and isoforge never trusts a key on first use; "+
		"check the fingerprint with the host's administrator, then add it: ssh-keyscan -p %s %s >> %s",
		e.Addr, e.KeyType, e.Fingerprint, e.KnownHosts, port, h, e.KnownHosts)
}

// strictHostKey wraps a knownhosts callback so its refusals say which key
// was presented and how to trust it.
func strictHostKey(check ssh.HostKeyCallback, path string) ssh.HostKeyCallback {
	return func(hostname string, remote net.Addr, key ssh.PublicKey) error {
		err := check(hostname, remote, key)
		var ke *knownhosts.KeyError
		if err == nil || !errors.As(err, &ke) {
			return err
		}
		hk := &HostKeyError{
			Addr: hostname, KeyType: key.Type(), Fingerprint: ssh.FingerprintSHA256(key),
			KnownHosts: path, Changed: len(ke.Want) > 0,
		}
		if hk.Changed {
			hk.Line = ke.Want[0].Line
		}
		return hk
	}
}

// IsHostKey reports whether err is a refused host key.
func IsHostKey(err error) bool {
	var hk *HostKeyError
	return errors.As(err, &hk)
}
