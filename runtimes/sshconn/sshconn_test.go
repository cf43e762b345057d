package sshconn

import (
	"crypto/ed25519"
	"crypto/rand"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

func TestParse(t *testing.T) {
	cases := []struct {
		in   string
		want Target
		bad  bool
	}{
		{in: "ssh://builder@rack1.example:2222/run/podman/podman.sock", want: Target{User: "builder", Addr: "rack1.example:2222", Socket: "/run/podman/podman.sock"}},
		{in: "ssh://root@10.0.0.2", want: Target{User: "root", Addr: "10.0.0.2:22"}},
		{in: "ssh://root@[fd00::2]:22/var/run/docker.sock", want: Target{User: "root", Addr: "[fd00::2]:22", Socket: "/var/run/docker.sock"}},
		{in: "unix:///run/podman/podman.sock", bad: true},
		{in: "ssh:///run/podman/podman.sock", bad: true},
	}
	for _, c := range cases {
		got, err := Parse(c.in)
		if c.bad != (err != nil) || (!c.bad && got != c.want) {
			t.Errorf("Parse(%q) = %+v, %v", c.in, got, err)
		}
	}
}

func newKey(t *testing.T) ssh.PublicKey {
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Unknown and changed keys are refused with what to do; the known key
// passes; the algorithms asked for are the known key's.
func TestStrictHostKey(t *testing.T) {
	known, other := newKey(t), newKey(t)
	file := filepath.Join(t.TempDir(), "known_hosts")
	os.WriteFile(file, []byte(knownhosts.Line([]string{"10.0.0.2"}, known)+"\n"), 0o600)
	check, err := knownhosts.New(file)
	if err != nil {
		t.Fatal(err)
	}
	cb := strictHostKey(check, file)
	remote := &net.TCPAddr{IP: net.ParseIP("10.0.0.2"), Port: 22}
	if err := cb("10.0.0.2:22", remote, known); err != nil {
		t.Errorf("known key refused: %v", err)
	}
	err = cb("10.0.0.2:22", remote, other)
	if hk, ok := err.(*HostKeyError); !ok || !hk.Changed || !strings.Contains(err.Error(), "line 1 of "+file) {
		t.Errorf("changed key: %v", err)
	}
	err = cb("10.0.0.3:22", &net.TCPAddr{IP: net.ParseIP("10.0.0.3"), Port: 22}, other)
	if hk, ok := err.(*HostKeyError); !ok || hk.Changed || !strings.Contains(err.Error(), "ssh-keyscan -p 22 10.0.0.3 >> "+file) ||
		!strings.Contains(err.Error(), ssh.FingerprintSHA256(other)) {
		t.Errorf("unknown key: %v", err)
	}
	if algs := knownAlgorithms(check, "10.0.0.2:22"); len(algs) != 1 || algs[0] != ssh.KeyAlgoED25519 {
		t.Errorf("algorithms for a host with an ed25519 key: %v", algs)
	}
	if algs := knownAlgorithms(check, "10.0.0.3:22"); algs != nil {
		t.Errorf("algorithms for an unknown host: %v", algs)
	}
}
