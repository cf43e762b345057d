package vmtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestQEMUScriptBuildsQEMUOnlyWhenMissing runs the wrapper with TEST
// DOUBLE nix-instantiate and nix-build programs: without QEMU on PATH it
// builds qemu_kvm (and OVMF.fd for EFI) from the fetched nixpkgs and
// execs that QEMU with the firmware; with QEMU on PATH it builds nothing.
func TestQEMUScriptBuildsQEMUOnlyWhenMissing(t *testing.T) {
	bin, store := t.TempDir(), t.TempDir()
	os.MkdirAll(filepath.Join(store, "qemu", "bin"), 0o755)
	stub := func(path, body string) {
		if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// TEST DOUBLES: a nix that records what it builds.
	stub(filepath.Join(bin, "nix-instantiate"), `echo '"/nix/store/abc-source"'`)
	stub(filepath.Join(bin, "nix-build"), `echo "$1 $3" >> `+store+`/built; case "$3" in qemu_kvm) echo `+store+`/qemu;; *) echo /fw;; esac`)
	stub(filepath.Join(store, "qemu", "bin", "qemu-system-x86_64"), `echo "nix qemu: $*"`)
	fetch := "set -eu\nsrc=$(nix-instantiate --eval --json)\necho \"isoforge-nixpkgs=$src\""

	args := []string{"qemu-system-x86_64", "-bios", ovmf, "-cdrom", "/isoforge/vm/a b.iso"}
	cmd := exec.Command("/bin/sh", "-c", qemuScript(args, fetch))
	cmd.Env = []string{"PATH=" + bin + ":/usr/bin:/bin"}
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got, want := strings.TrimSpace(string(out)), "nix qemu: -bios /fw/FV/OVMF.fd -cdrom /isoforge/vm/a b.iso"; got != want {
		t.Errorf("ran %q, want %q", got, want)
	}
	built, _ := os.ReadFile(filepath.Join(store, "built"))
	if got, want := string(built), "/nix/store/abc-source qemu_kvm\n/nix/store/abc-source OVMF.fd\n"; got != want {
		t.Errorf("built %q, want %q", got, want)
	}

	// QEMU in the image, no firmware wanted: nothing is built.
	os.Remove(filepath.Join(store, "built"))
	stub(filepath.Join(bin, "qemu-system-x86_64"), `echo "image qemu: $*"`)
	cmd = exec.Command("/bin/sh", "-c", qemuScript([]string{"qemu-system-x86_64", "-cdrom", "x.iso"}, fetch))
	cmd.Env = []string{"PATH=" + bin + ":/usr/bin:/bin"}
	out, err = cmd.Output()
	if err != nil || strings.TrimSpace(string(out)) != "image qemu: -cdrom x.iso" {
		t.Errorf("with QEMU in the image: %v %q", err, out)
	}
	if _, err := os.Stat(filepath.Join(store, "built")); err == nil {
		t.Error("built something although the image has QEMU")
	}
}
