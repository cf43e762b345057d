package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/engine/fingerprint"
	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/runtimes/runtimetest"
	"github.com/isoforge/isoforge/spec"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// isoforgeBin builds the real binary once: signals must reach a process
// of its own.
func isoforgeBin(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "isoforge-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "isoforge")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = &buildErr{out: string(out), err: err}
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

type buildErr struct {
	out string
	err error
}

func (b *buildErr) Error() string { return b.err.Error() + "\n" + b.out }

// fleetCopy copies an example into a fresh directory.
func fleetCopy(t testing.TB, example string) string {
	t.Helper()
	dst := t.TempDir()
	src := filepath.Join(runtimetest.RepoRoot(), "examples", example)
	out, err := exec.Command("cp", "-r", src+"/.", dst).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return dst
}

type result struct {
	stdout, stderr string
	code           int
	starts         int
}

// isoforge runs the binary in dir against an engine with the TEST DOUBLE
// builder and nixpkgs stand-in.
func isoforge(t testing.TB, e runtimetest.Engine, dir string, args ...string) result {
	t.Helper()
	return runResult(t, isoforgeCmd(t, e, dir, args...))
}

// runResult runs cmd and collects its output, exit code and how many
// builds it started (NDJSON start events).
func runResult(t testing.TB, cmd *exec.Cmd) result {
	t.Helper()
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	err := cmd.Run()
	r := result{stdout: so.String(), stderr: se.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	r.starts = strings.Count(r.stdout, `"type":"start"`)
	return r
}

func isoforgeCmd(t testing.TB, e runtimetest.Engine, dir string, args ...string) *exec.Cmd {
	if len(args) > 0 && (args[0] == "apply" || args[0] == "test" || args[0] == "run") {
		args = append(args, "-runtime", e.Name, "-host", e.Host)
		if e.Identity != "" {
			args = append(args, "-identity", e.Identity, "-known-hosts", e.KnownHosts)
		}
	}
	cmd := exec.Command(isoforgeBin(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "ISOFORGE_IMAGE="+runtimetest.BuilderImage(t), "ISOFORGE_NIXPKGS_PATH="+runtimetest.StandinPath(t), "NO_COLOR=1")
	return cmd
}

func TestApplyFleetEndToEnd(t *testing.T) {
	for _, e := range runtimetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			dir := fleetCopy(t, "fleet")
			r := isoforge(t, e, dir, "apply", "-json")
			if r.code != 0 || r.starts != 4 {
				t.Fatalf("fresh apply: exit %d, %d builds\n%s\n%s", r.code, r.starts, r.stdout, r.stderr)
			}
			checkISOs(t, dir)
			checkSums(t, dir)
			if r := isoforge(t, e, dir, "apply", "-json"); r.code != 0 || r.starts != 0 {
				t.Fatalf("second apply started %d containers", r.starts)
			}
			edit(t, dir, `"ddrescue", "testdisk"`, `"ddrescue", "testdisk", "parted"`)
			edit(t, dir, `iso_label = "FLEET_RESCUE"`, `iso_label = "RESCUE_V2"`)
			if r := isoforge(t, e, dir, "apply", "-json"); r.code != 0 || r.starts != 1 {
				t.Fatalf("editing rescue rebuilt %d variants", r.starts)
			}
			// Reformat and reorder: nothing to rebuild.
			reformat(t, dir)
			if r := isoforge(t, e, dir, "apply", "-json"); r.code != 0 || r.starts != 0 {
				t.Fatalf("reformatting rebuilt %d variants:\n%s", r.starts, r.stdout)
			}
			os.Remove(filepath.Join(dir, "out", "site-fra.iso"))
			if r := isoforge(t, e, dir, "apply", "-json"); r.code != 0 || r.starts != 1 {
				t.Fatalf("deleting one ISO rebuilt %d variants:\n%s", r.starts, r.stdout)
			}
			checkISOs(t, dir)
			checkSums(t, dir)
			assertNoContainers(t, e, dir)
		})
	}
}

// reformat re-indents isos.hcl and moves the nixpkgs block to the end.
func reformat(t testing.TB, dir string) {
	t.Helper()
	p := filepath.Join(dir, "isos.hcl")
	b, _ := os.ReadFile(p)
	b = bytes.ReplaceAll(b, []byte("\n  "), []byte("\n      "))
	block := []byte("nixpkgs {\n      channel = \"nixos-24.11\"\n}\n")
	if !bytes.Contains(b, block) {
		t.Fatalf("no nixpkgs block to move in:\n%s", b)
	}
	b = append(bytes.Replace(b, block, nil, 1), block...)
	os.WriteFile(p, b, 0o644)
}

func edit(t testing.TB, dir, old, new string) {
	t.Helper()
	p := filepath.Join(dir, "isos.hcl")
	b, _ := os.ReadFile(p)
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("isos.hcl has no %q", old)
	}
	os.WriteFile(p, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644)
}

// checkISOs reads every built ISO9660 file back with isoinfo and compares
// the configuration the stand-in embedded with the variant's settings.
func checkISOs(t testing.TB, dir string) {
	t.Helper()
	cfg, diags := spec.NewLoader().Load(dir, spec.Options{NixpkgsPath: runtimetest.StandinPath(t)})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	for _, v := range cfg.Variants {
		iso := filepath.Join(dir, "out", v.FileName)
		desc, err := exec.Command("isoinfo", "-d", "-i", iso).CombinedOutput()
		if err != nil || !strings.Contains(string(desc), "CD-ROM is in ISO 9660 format") {
			t.Fatalf("%s is not an ISO9660 image: %v %s", iso, err, desc)
		}
		if v.ISOLabel != "" && !strings.Contains(string(desc), "Volume id: "+v.ISOLabel) {
			t.Errorf("%s: volume label is not %s:\n%s", iso, v.ISOLabel, desc)
		}
		raw, err := exec.Command("isoinfo", "-i", iso, "-J", "-x", "/isoforge-config.json").Output()
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			HostName       string   `json:"hostName"`
			TimeZone       *string  `json:"timeZone"`
			Packages       []string `json:"packages"`
			AuthorizedKeys []string `json:"authorizedKeys"`
			KernelParams   []string `json:"kernelParams"`
			OpenSSH        struct {
				Enable bool `json:"enable"`
			} `json:"openssh"`
			WantedBy []string `json:"wpaSupplicantWantedBy"`
		}
		if err := json.Unmarshal(raw, &got); err != nil {
			t.Fatalf("%s: %v: %s", iso, err, raw)
		}
		wantHost := v.Hostname
		if wantHost == "" {
			wantHost = "nixos"
		}
		// NixOS modules add packages and kernel parameters of their own
		// (wpa_supplicant, iso-image.nix's root=LABEL=...): the variant's
		// must all be there, in order.
		if got.HostName != wantHost || !subsequence(v.Packages, got.Packages) ||
			len(got.AuthorizedKeys) != len(v.SSHKeys) || !subsequence(v.KernelParams, got.KernelParams) {
			t.Errorf("%s embeds %+v, want the settings of %s: %+v", iso, got, v.Name, v)
		}
		if len(v.SSHKeys) > 0 && !got.OpenSSH.Enable {
			t.Errorf("%s: root has keys but sshd is off", iso)
		}
		if slices.Contains(v.Modules, "modules/wifi.nix") && !slices.Contains(got.WantedBy, "multi-user.target") {
			t.Errorf("%s: wpa_supplicant does not start at boot (wantedBy %q)", iso, got.WantedBy)
		}
	}
}

// subsequence reports whether want appears in got in order, possibly
// with other elements between.
func subsequence(want, got []string) bool {
	for _, g := range got {
		if len(want) > 0 && g == want[0] {
			want = want[1:]
		}
	}
	return len(want) == 0
}

func checkSums(t testing.TB, dir string) {
	t.Helper()
	cmd := exec.Command("sha256sum", "-c", "SHA256SUMS")
	cmd.Dir = filepath.Join(dir, "out")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sha256sum -c: %v\n%s", err, out)
	}
	checkLockMatches(t, dir)
}

// checkLockMatches: the lock parses and every entry matches its artifact.
func checkLockMatches(t testing.TB, dir string) {
	t.Helper()
	l, _, diags := lockfile.Load(filepath.Join(dir, lockfile.FileName))
	if diags.HasErrors() {
		t.Fatalf("lock does not parse: %s", diags.Error())
	}
	for _, n := range l.VariantNames() {
		e, _ := l.Variant(n)
		sum, _, err := fingerprint.FileSum(filepath.Join(dir, e.Artifact))
		if err != nil || sum != e.SHA256 {
			t.Fatalf("lock entry %s does not match %s (%v)", n, e.Artifact, err)
		}
	}
}

func ourContainers(t testing.TB, e runtimetest.Engine, dir string) []runtimes.Container {
	t.Helper()
	rt := runtimetest.Open(t, e)
	abs, _ := filepath.Abs(dir)
	list, err := rt.Containers(context.Background(), map[string]string{runtimes.LabelConfig: apply.ConfigID(abs)})
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func assertNoContainers(t testing.TB, e runtimetest.Engine, dir string) {
	t.Helper()
	if left := ourContainers(t, e, dir); len(left) != 0 {
		t.Errorf("containers of ours left: %+v", left)
	}
}

func assertNoTemps(t testing.TB, dir string) {
	t.Helper()
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasPrefix(info.Name(), ".isoforge-tmp-") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
	if entries, _ := os.ReadDir(filepath.Join(dir, ".isoforge", "work")); len(entries) > 0 {
		t.Errorf("work directories left: %d", len(entries))
	}
}

// slowFleet is a two-variant configuration whose stand-in builds sleep.
func slowFleet(t testing.TB, seconds int) string {
	dir := t.TempDir()
	src := `nixpkgs { path = "unused" }
variant "slow" {
  for_each = toset(["a", "b"])
  hostname = "slow-${each.key}"
  nix      = "isoforge.standin.sleep = ` + strconv.Itoa(seconds) + `;"
}
`
	os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(src), 0o644)
	return dir
}

// waitForContainers polls until n containers of ours run, or times out.
func waitForContainers(t testing.TB, e runtimetest.Engine, dir string, n int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if len(ourContainers(t, e, dir)) >= n {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%d builder containers did not start", n)
}

func TestSIGINTStopsEverything(t *testing.T) {
	for _, e := range runtimetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			dir := slowFleet(t, 60)
			cmd := isoforgeCmd(t, e, dir, "apply", "-parallelism", "2")
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitForContainers(t, e, dir, 2)
			sent := time.Now()
			cmd.Process.Signal(os.Interrupt)
			err := cmd.Wait()
			ee, _ := err.(*exec.ExitError)
			if ee == nil || ee.ExitCode() != 130 {
				t.Fatalf("exit = %v, want 130\n%s", err, out.String())
			}
			for time.Since(sent) < 10*time.Second && len(ourContainers(t, e, dir)) > 0 {
				time.Sleep(200 * time.Millisecond)
			}
			assertNoContainers(t, e, dir)
			assertNoTemps(t, dir)
			checkLockMatches(t, dir)
			t.Logf("interrupted; exit 130 and containers gone %v after SIGINT", time.Since(sent).Round(100*time.Millisecond))
		})
	}
}

// TestSIGKILLConverges kills apply at random moments; the lock must stay
// valid and the next apply must clean up and converge.
func TestSIGKILLConverges(t *testing.T) {
	e := runtimetest.Engines(t)[0]
	dir := fleetCopy(t, "fleet")
	kills := 20
	if testing.Short() {
		kills = 3
	}
	for i := 0; i < kills; i++ {
		cmd := isoforgeCmd(t, e, dir, "apply", "-replace", "rescue", "-replace", "site-ams")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(200+(i*337)%6000) * time.Millisecond
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(delay):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
		}
		checkLockMatches(t, dir)
	}
	r := isoforge(t, e, dir, "apply")
	if r.code != 0 {
		t.Fatalf("apply after the kills: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := isoforge(t, e, dir, "plan", "-detailed-exitcode"); r.code != 0 {
		t.Fatalf("not converged:\n%s", r.stdout)
	}
	checkSums(t, dir)
	assertNoTemps(t, dir)
	assertNoContainers(t, e, dir)
}

func TestUnreachableEngineIsOneLine(t *testing.T) {
	dir := fleetCopy(t, "minimal")
	for _, name := range []string{"podman", "docker"} {
		r := isoforge(t, runtimetest.Engine{Name: name, Host: "unix:///nonexistent/" + name + ".sock"}, dir, "apply")
		if r.code != 1 || !strings.Contains(r.stderr, "not reachable") {
			t.Fatalf("%s: exit %d\n%s", name, r.code, r.stderr)
		}
		errLines := 0
		for sc := bufio.NewScanner(strings.NewReader(r.stderr)); sc.Scan(); {
			if strings.HasPrefix(sc.Text(), "Error:") {
				errLines++
			}
		}
		if errLines != 1 {
			t.Errorf("%s: want one error line, got:\n%s", name, r.stderr)
		}
	}
}

// TestNixStoreVolumeIsACache builds a variant on a fresh store volume,
// then forces the same build again: Nix must build nothing the second
// time, and the second build must be faster.
func TestNixStoreVolumeIsACache(t *testing.T) {
	for _, e := range runtimetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			vol := "isoforge-cachetest-" + strconv.FormatInt(time.Now().UnixNano(), 36)
			t.Cleanup(func() { runtimetest.RemoveVolume(e, vol) })
			src := "nixpkgs { path = \"unused\" }\nruntime { nix_volume = \"" + vol + "\" }\nvariant \"cached\" { hostname = \"cached\" }\n"
			os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(src), 0o644)
			start := time.Now()
			if r := isoforge(t, e, dir, "apply"); r.code != 0 {
				t.Fatalf("first build: %s%s", r.stdout, r.stderr)
			}
			first := time.Since(start)
			log1, _ := os.ReadFile(filepath.Join(dir, ".isoforge", "logs", "cached.log"))
			start = time.Now()
			if r := isoforge(t, e, dir, "apply", "-replace", "cached"); r.code != 0 {
				t.Fatalf("second build: %s%s", r.stdout, r.stderr)
			}
			second := time.Since(start)
			log2, _ := os.ReadFile(filepath.Join(dir, ".isoforge", "logs", "cached.log"))
			if !bytes.Contains(log1, []byte("building '/nix/store/")) {
				t.Fatalf("the first build built nothing?\n%s", log1)
			}
			if bytes.Contains(log2, []byte("building '")) {
				t.Errorf("the second build rebuilt the derivation:\n%s", log2)
			}
			if second >= first {
				t.Errorf("second build (%v) not faster than the first (%v)", second, first)
			}
			t.Logf("fresh volume: %v; same inputs again: %v", first.Round(10*time.Millisecond), second.Round(10*time.Millisecond))
		})
	}
}

// TestFailedBuildOnRealEngine: a variant whose evaluation fails in the
// real nix-build exits 1 with the builder's exit code and last log lines,
// and the other variant is built.
func TestFailedBuildOnRealEngine(t *testing.T) {
	for _, e := range runtimetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			dir := t.TempDir()
			src := "nixpkgs { path = \"unused\" }\nvariant \"good\" {}\nvariant \"bad\" { packages = [\"nosuchpackage\"] }\n"
			os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(src), 0o644)
			r := isoforge(t, e, dir, "apply")
			if r.code != 1 {
				t.Fatalf("exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
			}
			// The failure is reported once, on stderr, as an Error: block.
			if !strings.Contains(r.stderr, "Error: variant bad failed") || !strings.Contains(r.stderr, "nosuchpackage") {
				t.Errorf("the failure does not show the error and the log tail on stderr:\n%s", r.stderr)
			}
			if strings.Count(r.stdout+r.stderr, "Error: variant bad failed") != 1 {
				t.Errorf("the failure is reported more than once:\n%s%s", r.stdout, r.stderr)
			}
			if _, err := os.Stat(filepath.Join(dir, "out", "good.iso")); err != nil {
				t.Errorf("the good variant was not built: %v", err)
			}
			checkLockMatches(t, dir)
			assertNoContainers(t, e, dir)
		})
	}
}
