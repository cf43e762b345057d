package main

import (
	"bytes"
	"errors"
	"fmt"

	"golang.org/x/crypto/ssh"
)

// checkPublicKey refuses anything but an OpenSSH public key, and says
// plainly when the file is the private half: init copies the key into a
// directory the README says to commit.
func checkPublicKey(name string, b []byte) error {
	if isPrivateKey(b) {
		return fmt.Errorf("-ssh-key %s: that is a private key; pass the .pub file (e.g. %s.pub)", name, name)
	}
	if _, _, _, _, err := ssh.ParseAuthorizedKey(b); err != nil {
		return fmt.Errorf("-ssh-key %s: not an OpenSSH public key (%v); pass the .pub file ssh-keygen wrote", name, err)
	}
	return nil
}

// isPrivateKey recognises PEM and OpenSSH private keys by their header,
// and anything else ssh.ParsePrivateKey accepts or finds encrypted.
func isPrivateKey(b []byte) bool {
	if bytes.Contains(b, []byte("PRIVATE KEY-----")) {
		return true
	}
	_, err := ssh.ParsePrivateKey(b)
	var missing *ssh.PassphraseMissingError
	return err == nil || errors.As(err, &missing)
}
