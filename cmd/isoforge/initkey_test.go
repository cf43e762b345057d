package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"testing"

	"golang.org/x/crypto/ssh"
)

func TestIsPrivateKey(t *testing.T) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	enc, err := ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte("secret"))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ssh.NewPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		in   []byte
		want bool
	}{
		{"openssh private", pem.EncodeToMemory(block), true},
		{"encrypted private", pem.EncodeToMemory(enc), true},
		{"public", ssh.MarshalAuthorizedKey(pub), false},
		{"text", []byte("hello\n"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := isPrivateKey(tc.in); got != tc.want {
				t.Errorf("isPrivateKey = %v, want %v", got, tc.want)
			}
		})
	}
}
