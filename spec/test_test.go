package spec_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/isoforge/isoforge/spec"
	"github.com/rogpeppe/go-internal/txtar"
	"golang.org/x/crypto/ssh"
)

// writeTestKey writes a fresh ed25519 private key to dir/keys/test and
// returns its public key line.
func writeTestKey(t *testing.T, dir string) string {
	t.Helper()
	pub, priv, _ := ed25519.GenerateKey(rand.Reader)
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "keys"), 0o755)
	if err := os.WriteFile(filepath.Join(dir, "keys", "test"), pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	sp, _ := ssh.NewPublicKey(pub)
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sp)))
}

func TestTestBlockDecodesAndInherits(t *testing.T) {
	dir := extract(t, txtar.Parse([]byte(`
-- isos.hcl --
nixpkgs { channel = "nixos-24.11" }
defaults {
  test {
    ssh_private_key_file = "keys/test"
    boot_timeout         = "90s"
    commands             = ["test -e /etc/hostname"]
  }
}
variant "inherited" {}
variant "own" {
  test {
    user            = "nixos"
    memory_mib      = 2048
    expect_hostname = false
    accel           = "tcg"
  }
}
`)))
	writeTestKey(t, dir)
	cfg, _, diags := load(t, dir, spec.Options{})
	if len(diags) != 1 || !strings.Contains(diags[0].Detail, "is not among variant \"inherited\"'s ssh_authorized_keys") {
		t.Fatalf("want one warning (the key is not authorized), got %v", diags)
	}
	inh, _ := cfg.Variant("inherited")
	want := &spec.Test{KeyFile: "keys/test", User: "root", BootTimeout: 90 * time.Second, MemoryMiB: spec.DefaultTestMemoryMiB,
		ExpectHostname: true, ExpectPackages: true, Commands: []string{"test -e /etc/hostname"}, Accel: "auto"}
	if d := cmp.Diff(want, inh.Test); d != "" {
		t.Errorf("inherited test block (-want +got):\n%s", d)
	}
	own, _ := cfg.Variant("own")
	want = &spec.Test{User: "nixos", BootTimeout: spec.DefaultBootTimeout, MemoryMiB: 2048, ExpectPackages: true, Accel: "tcg"}
	if d := cmp.Diff(want, own.Test); d != "" {
		t.Errorf("own test block replaces the defaults' (-want +got):\n%s", d)
	}
}

func TestTestKeyChecks(t *testing.T) {
	tests := []struct {
		name    string
		keyFile string
		keyText string // written to keys/other when set
		authz   bool
		want    string // summary of the only diagnostic, "" for none
	}{
		{name: "authorized key", keyFile: "keys/test", authz: true},
		{name: "key not authorized", keyFile: "keys/test", want: "Test key not authorized"},
		{name: "missing file", keyFile: "keys/nope", authz: true, want: "Unreadable test key"},
		{name: "a public key", keyFile: "keys/other", keyText: key, authz: true, want: "Invalid test key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			pub := writeTestKey(t, dir)
			if tt.keyText != "" {
				os.WriteFile(filepath.Join(dir, "keys", "other"), []byte(tt.keyText), 0o600)
			}
			keys := `["` + key + `"]`
			if tt.authz {
				keys = `["` + pub + `"]`
			}
			os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(`nixpkgs { channel = "nixos-24.11" }
variant "v" {
  ssh_authorized_keys = `+keys+`
  test { ssh_private_key_file = "`+tt.keyFile+`" }
}
`), 0o644)
			_, _, diags := load(t, dir, spec.Options{})
			var got []string
			for _, d := range diags {
				got = append(got, d.Summary)
				if strings.Contains(d.Detail, "PRIVATE KEY") || strings.Contains(d.Detail, "AAAA") {
					t.Errorf("diagnostic quotes a key: %s", d.Detail)
				}
			}
			if (tt.want == "" && len(got) != 0) || (tt.want != "" && (len(got) != 1 || got[0] != tt.want)) {
				t.Errorf("diagnostics %q, want %q", got, tt.want)
			}
		})
	}
}
