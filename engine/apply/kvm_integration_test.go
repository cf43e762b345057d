package apply_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/runtimes"
	_ "github.com/isoforge/isoforge/runtimes/docker"
	_ "github.com/isoforge/isoforge/runtimes/podman"
	"github.com/isoforge/isoforge/runtimes/runtimetest"
	"github.com/isoforge/isoforge/spec"
)

const standinMount = "/isoforge/nixpkgs"

// runIn runs a shell script in image with the nixpkgs stand-in mounted
// and returns its exit code and output.
func runIn(t *testing.T, rt runtimes.Runtime, image, script string, devices ...string) (int, string) {
	t.Helper()
	var out strings.Builder
	cs := runtimes.ContainerSpec{
		Name:    "isoforge-kvmtest-" + strconv.FormatInt(time.Now().UnixNano(), 36),
		Image:   image,
		Command: []string{"/bin/sh", "-c", script},
		Binds:   []runtimes.Bind{{Source: runtimetest.StandinPath(t), Target: standinMount, ReadOnly: true}},
		Devices: devices,
		Labels:  map[string]string{"io.isoforge.test": "kvm"},
	}
	code, err := rt.Run(context.Background(), cs, func(_, line string) { out.WriteString(line + "\n") })
	if err != nil {
		t.Fatal(err)
	}
	return code, out.String()
}

// nixBuildQemu builds the stand-in's images.qemu-efi with extra nix-build
// arguments.
func nixBuildQemu(extra string) string {
	return `set -e
echo '{ ... }: { system.stateVersion = "26.11"; }' > /tmp/c.nix
nix-build ` + standinMount + `/nixos -A config.system.build.images.qemu-efi -I nixos-config=/tmp/c.nix --no-out-link ` + extra + " 2>&1\n"
}

// TestKVMIsARealCheck: the stand-in's VM formats need a usable /dev/kvm
// as Nix and nixpkgs do. Without the device Nix refuses the kvm feature;
// with it, a nixbld* build user cannot open the 0600 node; building as
// the user running nix (isoforge's empty build-users-group) works.
func TestKVMIsARealCheck(t *testing.T) {
	for _, e := range runtimetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			rt := runtimetest.Open(t, e)
			image := runtimetest.BuildUsersImage(t)
			code, out := runIn(t, rt, image, nixBuildQemu(""))
			if code == 0 || !strings.Contains(out, "{kvm}") {
				t.Errorf("without /dev/kvm: exit %d, want Nix to refuse the kvm feature:\n%s", code, out)
			}
			code, out = runIn(t, rt, image, nixBuildQemu(""), "/dev/kvm")
			if code == 0 || !strings.Contains(out, "cannot open /dev/kvm as uid 99") {
				t.Errorf("build user with /dev/kvm: exit %d, want the builder to fail opening it:\n%s", code, out)
			}
			code, out = runIn(t, rt, image, nixBuildQemu("--option build-users-group ''"), "/dev/kvm")
			if code != 0 {
				t.Errorf("as root with /dev/kvm: exit %d:\n%s", code, out)
			}
		})
	}
}

// TestKVMPreflightSentence: when the builder cannot open /dev/kvm,
// isoforge's build script fails with its own sentence before Nix runs.
func TestKVMPreflightSentence(t *testing.T) {
	f, _ := spec.LookupFormat("proxmox")
	script := apply.BuildScript(f, standinMount, apply.ScriptOptions{})
	for _, e := range runtimetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			rt := runtimetest.Open(t, e)
			// A build user runs the script: it cannot open the device.
			code, out := runIn(t, rt, runtimetest.BuildUsersImage(t), "runuser -u nixbld1 -- /bin/sh -c "+shellQuote(script), "/dev/kvm")
			want := apply.KVMUnusable("proxmox", "the builder cannot open /dev/kvm")
			if code == 0 || !strings.Contains(out, want) || strings.Contains(out, "nix-build") {
				t.Errorf("exit %d, want isoforge's sentence %q before nix-build:\n%s", code, want, out)
			}
		})
	}
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// TestProbeKVM runs the probe container on each engine: KVM works here
// (open and KVM_CREATE_VM, with the image's perl).
func TestProbeKVM(t *testing.T) {
	for _, e := range runtimetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			rt := runtimetest.Open(t, e)
			st, err := apply.ProbeKVM(context.Background(), rt, runtimetest.BuilderImage(t), strconv.FormatInt(time.Now().UnixNano(), 36))
			if err != nil {
				t.Fatal(err)
			}
			if !st.Usable || !strings.Contains(st.Detail, "KVM_CREATE_VM") {
				t.Errorf("probe: %+v", st)
			}
		})
	}
}
