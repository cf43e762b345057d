package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/isoforge/isoforge/runtimes/runtimetest"
)

// TestApplyOverSSH builds the fleet on the second test host through
// -host ssh://: the inputs are copied in, the artifacts streamed out, and
// they are byte-identical to a local build of the same configuration.
func TestApplyOverSSH(t *testing.T) {
	h := runtimetest.RemoteHost(t)
	local := enginesByName(t)
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

// enginesByName are this machine's engines by name, to pair each with the
// test host's engine of the same name.
func enginesByName(t testing.TB) map[string]runtimetest.Engine {
	local := map[string]runtimetest.Engine{}
	for _, e := range runtimetest.Engines(t) {
		local[e.Name] = e
	}
	return local
}

// sameArtifacts requires every ISO of one build to be byte-identical to
// the other's: the stand-in builds them reproducibly (SOURCE_DATE_EPOCH),
// the bootable one included (nixos/lib/standin-boot.sh).
func sameArtifacts(t *testing.T, a, b string) {
	t.Helper()
	isos, _ := filepath.Glob(filepath.Join(a, "out", "*.iso"))
	if len(isos) == 0 {
		t.Fatal("no artifacts to compare")
	}
	for _, p := range isos {
		q := filepath.Join(b, "out", filepath.Base(p))
		x, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		y, err := os.ReadFile(q)
		if err != nil {
			t.Errorf("%s: missing from the remote build: %v", filepath.Base(p), err)
		} else if !bytes.Equal(x, y) {
			t.Errorf("%s differs between the local and the remote build", filepath.Base(p))
		}
	}
}
