package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/runtimes/runtimetest"
)

// poolFleet writes six variants whose stand-in builds sleep, built by
// builder "local" and builder "h2" (the SSH test host) of one engine;
// without builders it is the same fleet for a local single-builder run.
// The token makes the derivations new, so no store volume has them yet.
func poolFleet(t *testing.T, h runtimetest.SSHHost, local, remote runtimetest.Engine, seconds int, token string, withBuilders bool) string {
	t.Helper()
	dir := t.TempDir()
	src := `nixpkgs { path = "unused" }
variant "v" {
  for_each = toset(["1", "2", "3", "4", "5", "6"])
  hostname = "v${each.key}-` + token + `"
  nix      = "isoforge.standin.sleep = ` + strconv.Itoa(seconds) + `;"
}
`
	if withBuilders {
		src += fmt.Sprintf(`builder "local" {
  engine      = %q
  host        = %q
  parallelism = 2
}
builder "h2" {
  engine      = %q
  host        = %q
  parallelism = 2
  identity    = %q
  known_hosts = %q
}
`, local.Name, local.Host, remote.Name, remote.Host, h.Key, h.KnownHosts)
	}
	os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(src), 0o644)
	return dir
}

// poolCmd runs isoforge in dir with the TEST DOUBLE image and stand-in,
// without -runtime or -host (the builder blocks say where to build).
func poolCmd(t testing.TB, dir string, args ...string) *exec.Cmd {
	cmd := exec.Command(isoforgeBin(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "ISOFORGE_IMAGE="+runtimetest.BuilderImage(t), "ISOFORGE_NIXPKGS_PATH="+runtimetest.StandinPath(t), "NO_COLOR=1")
	return cmd
}

// ndjson decodes the events of apply -json.
func ndjson(t *testing.T, out []byte) []map[string]any {
	t.Helper()
	var evs []map[string]any
	for sc := bufio.NewScanner(bytes.NewReader(out)); sc.Scan(); {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil {
			evs = append(evs, m)
		}
	}
	return evs
}

// remoteMounts records the mount types of our containers running on the
// test host while an apply runs.
type remoteMounts struct {
	mu    sync.Mutex
	types map[string]string
}

func (m *remoteMounts) watch(t *testing.T, h runtimetest.SSHHost, e runtimetest.Engine, stop <-chan struct{}) {
	for {
		select {
		case <-stop:
			return
		case <-time.After(300 * time.Millisecond):
		}
		out, err := exec.Command("ssh", "-i", h.Key, "-o", "BatchMode=yes", "-o", "UserKnownHostsFile="+h.KnownHosts, h.User+"@"+h.Addr,
			"for c in $("+e.CLI()+" ps -q --filter label=io.isoforge.variant); do "+e.CLI()+" inspect --format '{{.Name}} {{range .Mounts}}{{.Type}},{{end}}' $c; done").Output()
		if err != nil {
			continue
		}
		m.mu.Lock()
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if name, types, ok := strings.Cut(line, " "); ok {
				m.types[name] = types
			}
		}
		m.mu.Unlock()
	}
}

// TestPoolOverSSH: six variants over builder "local" and builder "h2":
// both used, every event names its builder, the remote containers have
// no bind mounts, and the artifacts are byte-identical to a local build.
func TestPoolOverSSH(t *testing.T) {
	h := runtimetest.RemoteHost(t)
	local := enginesByName(t)
	for _, remote := range h.Engines {
		t.Run(remote.Name, func(t *testing.T) {
			token := newRunID()
			dir := poolFleet(t, h, local[remote.Name], remote, 2, token, true)
			mounts := &remoteMounts{types: map[string]string{}}
			stop := make(chan struct{})
			go mounts.watch(t, h, remote, stop)
			out, err := poolCmd(t, dir, "apply", "-json").CombinedOutput()
			close(stop)
			if err != nil {
				t.Fatalf("apply: %v\n%s", err, out)
			}
			used := map[string]int{}
			for _, ev := range ndjson(t, out) {
				if ev["type"] == "start" {
					used[fmt.Sprint(ev["builder"])]++
				}
				if ev["type"] == "log" && ev["builder"] == nil {
					t.Fatalf("a build event names no builder: %v", ev)
				}
			}
			if used["local"] == 0 || used["h2"] == 0 || used["local"]+used["h2"] != 6 {
				t.Errorf("builds per builder %v, want both used for 6", used)
			}
			mounts.mu.Lock()
			if len(mounts.types) == 0 {
				t.Error("saw no running container on the test host")
			}
			for name, types := range mounts.types {
				if strings.Contains(types, "bind") {
					t.Errorf("remote container %s has a bind mount: %s", name, types)
				}
			}
			mounts.mu.Unlock()
			checkSums(t, dir)
			ref := poolFleet(t, h, local[remote.Name], remote, 2, token, false)
			if out, err := poolCmd(t, ref, "apply", "-runtime", remote.Name, "-host", local[remote.Name].Host).CombinedOutput(); err != nil {
				t.Fatalf("local reference apply: %v\n%s", err, out)
			}
			sameArtifacts(t, ref, dir)
			t.Logf("builds per builder: %v; remote containers seen: %d", used, len(mounts.types))
		})
	}
}

// TestPoolSurvivesAKilledRemoteEngine: SIGKILL of the engine on the test
// host mid-build (sshd stays up, its containers keep running) re-queues
// its variants on the local builder and the apply still succeeds; clean
// then removes the leftovers on both hosts.
func TestPoolSurvivesAKilledRemoteEngine(t *testing.T) {
	h := runtimetest.RemoteHost(t)
	local := enginesByName(t)
	for _, remote := range h.Engines {
		t.Run(remote.Name, func(t *testing.T) {
			pidFile := map[string]string{"podman": "podman.pid", "docker": "dockerd.pid"}[remote.Name]
			t.Cleanup(func() {
				out, err := exec.Command(filepath.Join(runtimetest.RepoRoot(), "scripts", "test-host.sh"), "restart", strings.TrimSuffix(pidFile, ".pid")).CombinedOutput()
				if err != nil {
					t.Errorf("restarting the test host's %s: %v\n%s", remote.Name, err, out)
				}
			})
			dir := poolFleet(t, h, local[remote.Name], remote, 6, newRunID(), true)
			cmd := poolCmd(t, dir, "apply", "-json")
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitForRemote(t, h, remote, dir)
			b, _ := os.ReadFile(filepath.Join(h.State, pidFile))
			pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
			if pid <= 0 {
				t.Fatalf("no pid in %s", pidFile)
			}
			if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed := time.Now()
			if err := cmd.Wait(); err != nil {
				t.Fatalf("apply failed after the remote engine was killed: %v\n%s", err, out.String())
			}
			requeued := 0
			for _, ev := range ndjson(t, out.Bytes()) {
				if ev["type"] == "requeued" {
					requeued++
					if ev["builder"] != "h2" || !strings.Contains(fmt.Sprint(ev["error"]), "h2") {
						t.Errorf("requeue event does not say which builder failed: %v", ev)
					}
				}
			}
			if requeued == 0 {
				t.Fatalf("no variant was re-queued:\n%s", out.String())
			}
			checkSums(t, dir)
			t.Logf("%d variants re-queued; apply finished %v after the kill", requeued, time.Since(killed).Round(100*time.Millisecond))
			// The engine comes back; its containers are leftovers of ours.
			restart := exec.Command(filepath.Join(runtimetest.RepoRoot(), "scripts", "test-host.sh"), "restart", strings.TrimSuffix(pidFile, ".pid"))
			if o, err := restart.CombinedOutput(); err != nil {
				t.Fatalf("restart: %v\n%s", err, o)
			}
			clean, err := poolCmd(t, dir, "clean").CombinedOutput()
			if err != nil || !strings.Contains(string(clean), "Removed") {
				t.Fatalf("clean: %v\n%s", err, clean)
			}
			for _, e := range []runtimetest.Engine{local[remote.Name], remote} {
				assertNoContainers(t, e, dir)
			}
			t.Logf("clean: %s", strings.TrimSpace(string(clean)))
		})
	}
}

// waitForRemote polls until a build container of dir (not its init
// container) runs on the test host.
func waitForRemote(t *testing.T, h runtimetest.SSHHost, e runtimetest.Engine, dir string) {
	t.Helper()
	abs, _ := filepath.Abs(dir)
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		out, _ := exec.Command("ssh", "-i", h.Key, "-o", "BatchMode=yes", "-o", "UserKnownHostsFile="+h.KnownHosts, h.User+"@"+h.Addr,
			e.CLI()+" ps --format '{{.Names}}' --filter label="+runtimes.LabelConfig+"="+apply.ConfigID(abs)).Output()
		for _, name := range strings.Fields(string(out)) {
			if strings.HasPrefix(strings.TrimPrefix(name, "/"), "isoforge-v-") {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatal("no build container started on the test host")
}

// TestDoctorPerBuilder: doctor reports each builder block, KVM probed
// through each engine, and for the remote one free space on that host.
func TestDoctorPerBuilder(t *testing.T) {
	h := runtimetest.RemoteHost(t)
	local := runtimetest.Engines(t)[0]
	remote := h.Engines[0]
	for _, e := range h.Engines {
		if e.Name == local.Name {
			remote = e
		}
	}
	dir := poolFleet(t, h, local, remote, 0, newRunID(), true)
	out, err := poolCmd(t, dir, "doctor").CombinedOutput()
	if err != nil {
		t.Fatalf("doctor: %v\n%s", err, out)
	}
	for _, want := range []string{"local    ok: version", "h2       ok: version", "disk on the builder's host:"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(string(out), "kvm: "); n != 2 {
		t.Errorf("doctor probed KVM %d times, want once per builder:\n%s", n, out)
	}
	t.Logf("%s", out)
}
