package vmtest

import (
	"crypto/ed25519"
	"crypto/rand"
	"testing"

	"golang.org/x/crypto/ssh"
)

func newPub(t *testing.T) ssh.PublicKey {
	t.Helper()
	pub, _, _ := ed25519.GenerateKey(rand.Reader)
	k, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestHostKeyIsPinnedForTheRun(t *testing.T) {
	cb := hostKeyForRun()
	first, other := newPub(t), newPub(t)
	if err := cb("vm", nil, first); err != nil {
		t.Fatalf("first key refused: %v", err)
	}
	if err := cb("vm", nil, first); err != nil {
		t.Fatalf("same key refused: %v", err)
	}
	if err := cb("vm", nil, other); err == nil {
		t.Fatal("a changed host key was accepted")
	}
}

func TestConsoleSilentCountsSerialOnly(t *testing.T) {
	c := &console{}
	c.line("stderr", "qemu-system-x86_64: warning: host doesn't support requested feature")
	if !c.silent() {
		t.Fatal("QEMU's own warnings count as console output")
	}
	c.line("stdout", "Booting `NixOS'")
	if c.silent() {
		t.Fatal("serial output not counted")
	}
}
