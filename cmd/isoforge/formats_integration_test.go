package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/runtimes/runtimetest"
	"github.com/isoforge/isoforge/spec"
)

// formatFamilies has one variant per format family; the stand-in writes
// each artifact where nixpkgs does, with its hydra-build-products line.
const formatFamilies = `nixpkgs { path = "unused" }
variant "live"    { format = "iso" }
variant "vm"      {
  format    = "qcow-efi"
  disk_size = 4096
}
variant "metal"   {
  format = "raw"
  efi    = true
}
variant "board"   { format = "sd-card" }
variant "netboot" { format = "kexec" }
variant "pve"     { format = "proxmox" }
variant "ct"      { format = "lxc" }
variant "cloud"   { format = "azure" }
`

// buildUsers runs isoforge with the builder variant that has nixos/nix's
// build users, so builds run as nixbld* as in the official image.
func buildUsers(t *testing.T, e runtimetest.Engine, dir string, args ...string) result {
	t.Helper()
	cmd := isoforgeCmd(t, e, dir, args...)
	cmd.Env = append(cmd.Env, "ISOFORGE_IMAGE="+runtimetest.BuildUsersImage(t))
	return runResult(t, cmd)
}

// TestFormatFamiliesOnRealEngines builds one variant per format family
// with build users: VM formats get /dev/kvm and build as the user running
// nix (the stand-in's builder opens the device, so this fails without a
// usable one), the others as a nixbld* user. Artifacts are named
// <variant><ext>, the manifest records the canonical format and the
// nixpkgs attribute, and SHA256SUMS checks.
func TestFormatFamiliesOnRealEngines(t *testing.T) {
	want := map[string]string{"live": "iso", "vm": "qemu-efi", "metal": "raw-efi", "board": "sd-card",
		"netboot": "kexec", "pve": "proxmox", "ct": "lxc", "cloud": "azure"}
	for _, e := range runtimetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(formatFamilies), 0o644)
			r := buildUsers(t, e, dir, "apply")
			if r.code != 0 {
				t.Fatalf("apply: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			checkSums(t, dir)
			m := readManifestFile(t, dir)
			for name, format := range want {
				f, _ := spec.LookupFormat(format)
				mv, ok := m[name]
				if !ok || mv.Format != format || mv.Attribute != f.Attribute || mv.File != name+f.Ext {
					t.Errorf("%s: manifest %+v, want format %s, attribute %s, file %s", name, mv, format, f.Attribute, name+f.Ext)
					continue
				}
				checkBuiltBy(t, filepath.Join(dir, "out", mv.File), f)
			}
			if b, _ := os.ReadFile(filepath.Join(dir, "out", "vm.qcow2")); !strings.Contains(string(b), `"diskSize":4096`) {
				t.Errorf("disk_size did not reach virtualisation.diskSize:\n%s", b)
			}
			if strings.Contains(r.stdout+r.stderr, "declares no") {
				t.Errorf("a format fell back to the glob with a warning:\n%s", r.stdout)
			}
			assertNoContainers(t, e, dir)
		})
	}
}

// checkBuiltBy reads the stand-in's "built by uid N on ARCH" line: VM
// formats build as root in the container with /dev/kvm open, the others
// as a build user.
func checkBuiltBy(t *testing.T, path string, f spec.Format) {
	t.Helper()
	if f.ISO() {
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	switch {
	case f.NeedsKVM && !strings.Contains(s, "built by uid 0 on x86_64 with /dev/kvm"):
		t.Errorf("%s: a VM format did not build with /dev/kvm as root:\n%.300s", path, s)
	case !f.NeedsKVM && (strings.Contains(s, "built by uid 0 ") || !strings.Contains(s, "built by uid ")):
		t.Errorf("%s: not built by a build user:\n%.300s", path, s)
	}
}

func readManifestFile(t *testing.T, dir string) map[string]apply.ManifestVariant {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "out", "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m apply.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	out := map[string]apply.ManifestVariant{}
	for _, v := range m.Variants {
		out[v.Name] = v
	}
	return out
}

// TestOnlyVMFormatsGetKVM inspects running builders: the VM format's
// container has /dev/kvm, the tarball format's has no device.
func TestOnlyVMFormatsGetKVM(t *testing.T) {
	for _, e := range runtimetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			src := `nixpkgs { path = "unused" }
variant "slowvm" {
  format = "qemu"
  nix    = "isoforge.standin.sleep = 6;"
}
variant "slowct" {
  format = "lxc"
  nix    = "isoforge.standin.sleep = 6;"
}
`
			os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(src), 0o644)
			cmd := isoforgeCmd(t, e, dir, "apply")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			devices := map[string]string{}
			for deadline := time.Now().Add(90 * time.Second); len(devices) < 2 && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
				for _, c := range ourContainers(t, e, dir) {
					// "_init" is the init container that fetches nixpkgs.
					if v := c.Labels[runtimes.LabelVariant]; v != "" && v != "_init" && devices[v] == "" {
						devices[v] = inspectDevices(t, e, c.ID)
					}
				}
			}
			if err := cmd.Wait(); err != nil {
				t.Fatalf("apply: %v", err)
			}
			if !strings.Contains(devices["slowvm"], "/dev/kvm") {
				t.Errorf("the qemu builder has devices %s, want /dev/kvm", devices["slowvm"])
			}
			// Inspected while it ran (not "" or gone), and it has no device.
			if d := devices["slowct"]; d == "" || strings.HasPrefix(d, "(gone") || strings.Contains(d, "/dev/") {
				t.Errorf("the lxc builder has devices %q, want an inspected container with none", d)
			}
		})
	}
}

func inspectDevices(t *testing.T, e runtimetest.Engine, id string) string {
	t.Helper()
	bin, args := "podman", []string{"--url", e.Host, "inspect", "--format", "{{json .HostConfig.Devices}}", id}
	if e.Name == "docker" {
		bin, args = "/usr/bin/docker", []string{"-H", e.Host, "inspect", "--format", "{{json .HostConfig.Devices}}", id}
	}
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		return "(gone: " + strings.TrimSpace(string(out)) + ")"
	}
	return strings.TrimSpace(string(out))
}

// TestAArch64ThroughBinfmt builds an aarch64-linux sd-card image on this
// x86_64 machine: the stand-in's derivation runs Debian's static aarch64
// busybox as its builder, which only binfmt_misc's qemu-aarch64 entry can
// execute. With the entry disabled the build fails and says what to
// install. The entry is the kernel's, shared by everything on the host:
// it is disabled only for the few seconds of that build.
func TestAArch64ThroughBinfmt(t *testing.T) {
	engines := runtimetest.Engines(t) // skips first under ISOFORGE_SKIP_INTEGRATION=1
	ok, detail := apply.AArch64Support(apply.BinfmtDir)
	if !ok {
		t.Fatalf("this host cannot run aarch64 binaries (%s): run the test through scripts/test-env.sh, which registers qemu-aarch64", detail)
	}
	const src = `nixpkgs { path = "unused" }
variant "arm" {
  format = "sd-aarch64"
}
`
	for _, e := range engines {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(src), 0o644)
			r := buildUsers(t, e, dir, "apply")
			if r.code != 0 {
				t.Fatalf("apply: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			b, _ := os.ReadFile(filepath.Join(dir, "out", "arm.img.zst"))
			if !strings.Contains(string(b), " on aarch64") {
				t.Errorf("the builder did not run as aarch64:\n%.300s", b)
			}
			m := readManifestFile(t, dir)
			if m["arm"].Format != "sd-card" {
				t.Errorf("manifest format %q, want sd-card", m["arm"].Format)
			}
			if !strings.Contains(r.stderr, `"sd-aarch64" is the nixos-generators name`) {
				t.Errorf("no alias hint:\n%s", r.stderr)
			}
			// Without the registration: the same build, a fresh store
			// path (another hostname), fails with the sentence.
			disableBinfmt(t)
			os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(strings.Replace(src, "format = \"sd-aarch64\"\n", "format = \"sd-aarch64\"\n  hostname = \"arm2\"\n", 1)), 0o644)
			r = buildUsers(t, e, dir, "apply")
			doctor, _ := isoforgeCmd(t, e, dir, "doctor", "-runtime", e.Name, "-host", e.Host).CombinedOutput()
			enableBinfmt(t)
			if !strings.Contains(string(doctor), "aarch64-linux: cannot build") || !strings.Contains(string(doctor), "apt-get install qemu-user-static binfmt-support") {
				t.Errorf("doctor without binfmt does not say what to install:\n%s", doctor)
			}
			if r.code == 0 || !strings.Contains(r.stdout+r.stderr, "apt-get install qemu-user-static binfmt-support") {
				t.Errorf("without binfmt: exit %d, want the install hint:\n%s%s", r.code, r.stdout, r.stderr)
			}
		})
	}
}

func disableBinfmt(t *testing.T) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(apply.BinfmtDir, "qemu-aarch64"), []byte("0"), 0o644); err != nil {
		t.Fatalf("disabling qemu-aarch64 (needs root): %v", err)
	}
	t.Cleanup(func() { enableBinfmt(t) })
}

func enableBinfmt(t *testing.T) {
	if err := os.WriteFile(filepath.Join(apply.BinfmtDir, "qemu-aarch64"), []byte("1"), 0o644); err != nil {
		t.Errorf("re-enabling qemu-aarch64: %v", err)
	}
}

// TestDoctorProbesKVM: doctor runs the probe container on each engine
// and reports KVM usable here, and says aarch64 can build (test-env.sh
// registered qemu-aarch64).
func TestDoctorProbesKVM(t *testing.T) {
	for _, e := range runtimetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte("nixpkgs { path = \"unused\" }\nvariant \"vm\" { format = \"qemu\" }\n"), 0o644)
			cmd := isoforgeCmd(t, e, dir, "doctor", "-runtime", e.Name, "-host", e.Host)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("doctor: %v\n%s", err, out)
			}
			for _, want := range []string{"kvm: usable (a container opened /dev/kvm and created a VM (KVM_CREATE_VM))", "aarch64-linux: can build (binfmt_misc qemu-aarch64"} {
				if !strings.Contains(string(out), want) {
					t.Errorf("doctor lacks %q:\n%s", want, out)
				}
			}
		})
	}
}
