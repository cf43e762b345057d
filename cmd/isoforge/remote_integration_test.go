package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isoforge/isoforge/runtimes/runtimetest"
)

// TestApplyOverSSH builds the fleet on the second test host through
// -host ssh://: the inputs are copied in, the artifacts streamed out, and
// they are byte-identical to a local build of the same configuration.
func TestApplyOverSSH(t *testing.T) {
	h := runtimetest.RemoteHost(t)
	local := map[string]runtimetest.Engine{}
	for _, e := range runtimetest.Engines(t) {
		local[e.Name] = e
	}
	for _, e := range h.Engines {
		t.Run(e.Name, func(t *testing.T) {
			remoteDir, localDir := fleetCopy(t, "fleet"), fleetCopy(t, "fleet")
			r := isoforge(t, e, remoteDir, "apply", "-json")
			if r.code != 0 || r.starts != 4 {
				t.Fatalf("apply over ssh: exit %d, %d builds\n%s\n%s", r.code, r.starts, r.stdout, r.stderr)
			}
			checkISOs(t, remoteDir)
			checkSums(t, remoteDir)
			assertNoContainers(t, e, remoteDir)
			assertNoTemps(t, remoteDir)
			if r := isoforge(t, local[e.Name], localDir, "apply", "-json"); r.code != 0 {
				t.Fatalf("local apply: exit %d\n%s", r.code, r.stderr)
			}
			sameArtifacts(t, localDir, remoteDir)
		})
	}
}

// sameArtifacts compares two builds' ISOs. The stand-in's plain ISO is
// reproducible (SOURCE_DATE_EPOCH): those must be byte-identical. Its
// bootable ISO (grub-mkrescue, when the builder image has a kernel) embeds
// build-time dates in its EFI image, so for those the files the build put
// in (the configuration report, the version) must be identical instead.
func sameArtifacts(t *testing.T, a, b string) {
	t.Helper()
	isos, _ := filepath.Glob(filepath.Join(a, "out", "*.iso"))
	if len(isos) == 0 {
		t.Fatal("no artifacts to compare")
	}
	for _, p := range isos {
		q := filepath.Join(b, "out", filepath.Base(p))
		x, _ := os.ReadFile(p)
		y, err := os.ReadFile(q)
		if err == nil && string(x) == string(y) {
			continue
		}
		if err != nil || !bootable(t, p) {
			t.Errorf("%s differs between the local and the remote build (%v)", filepath.Base(p), err)
			continue
		}
		for _, f := range []string{"/isoforge-config.json", "/version.txt", "/nixos-version"} {
			if isoFile(t, p, f) != isoFile(t, q, f) {
				t.Errorf("%s: %s differs between the local and the remote build", filepath.Base(p), f)
			}
		}
	}
}

func bootable(t *testing.T, iso string) bool {
	out, _ := exec.Command("isoinfo", "-d", "-i", iso).Output()
	return strings.Contains(string(out), "El Torito")
}

func isoFile(t *testing.T, iso, name string) string {
	out, err := exec.Command("isoinfo", "-i", iso, "-J", "-x", name).Output()
	if err != nil {
		t.Fatalf("isoinfo -x %s %s: %v", name, iso, err)
	}
	return string(out)
}
