package spec_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/isoforge/isoforge/spec"
)

func TestTestBlockDecodesAndInherits(t *testing.T) {
	cfg := loadSource(t, `
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
`, spec.Options{})
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
