package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/isoforge/isoforge/engine/atomicfile"
	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/runtimes/runtimetest"
)

// soakConfig has four variants; edits change one variant's host name.
const soakConfig = `nixpkgs { rev = "0123456789abcdef0123456789abcdef01234567" }
variant "a" { hostname = "ha" }
variant "b" { hostname = "hb" }
variant "c" { hostname = "hc" }
variant "d" { hostname = "hd" }
`

// TestSoakApplies runs many applies on the FAKE runtime with random edits
// (some while builds run) and random SIGINT, SIGKILL and SIGPIPE, and
// checks after each that the lock parses and every entry matches its
// artifact; after each apply that ran to its end, that no temporary file
// or work directory is left. It ends with a clean apply after which
// everything is up to date and every artifact holds what the final
// configuration renders. ISOFORGE_SOAK_N sets the number of applies
// (default 25; the soak is 200); ISOFORGE_SOAK_SEED replays a run.
func TestSoakApplies(t *testing.T) {
	bin, err := exec.LookPath("isoforge") // the test binary, linked by testscript.Main
	if err != nil {
		t.Fatal(err)
	}
	n := envInt("ISOFORGE_SOAK_N", 25)
	seed := uint64(envInt("ISOFORGE_SOAK_SEED", int(time.Now().UnixNano()%1e9)))
	t.Logf("%d applies, seed %d (ISOFORGE_SOAK_SEED=%d replays it)", n, seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	// The TEST DOUBLE archive host of the CLI scripts: the pin's nar_hash
	// is computed offline.
	archive := standinArchive(t)
	archives := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(archive) }))
	t.Cleanup(archives.Close)
	home := t.TempDir()
	s := &soak{t: t, bin: bin, dir: t.TempDir(), rng: rng, env: append(os.Environ(),
		"ISOFORGE_NIXPKGS_ARCHIVES="+archives.URL+"/archive", "XDG_CACHE_HOME="+home+"/cache", "HOME="+home, "NO_COLOR=1", "FAKE_DELAY=100ms"),
		apply: []string{"apply", "-runtime", "fake", "-parallelism", "2"}, maxDelay: 400 * time.Millisecond}
	s.run(n)
	s.checkRendered()
}

// TestSoakIntegrationPodman is the soak on real Podman with the TEST
// DOUBLE builder image and nixpkgs stand-in: after each apply that ran
// to its end, no container of this configuration is left either.
// ISOFORGE_SOAK_PODMAN_N sets the number of applies (default 5; the
// issue's soak is 30).
func TestSoakIntegrationPodman(t *testing.T) {
	var engine *runtimetest.Engine
	for _, e := range runtimetest.Engines(t) {
		if e.Name == "podman" {
			engine = &e
		}
	}
	if engine == nil {
		t.Fatal("no Podman to soak against: run through scripts/test-env.sh")
	}
	n := envInt("ISOFORGE_SOAK_PODMAN_N", 5)
	seed := uint64(envInt("ISOFORGE_SOAK_SEED", int(time.Now().UnixNano()%1e9)))
	t.Logf("%d applies on Podman, seed %d", n, seed)
	s := &soak{t: t, bin: isoforgeBin(t), dir: t.TempDir(), rng: rand.New(rand.NewPCG(seed, 0)), engine: engine,
		env:   append(os.Environ(), "ISOFORGE_IMAGE="+runtimetest.BuilderImage(t), "ISOFORGE_NIXPKGS_PATH="+runtimetest.StandinPath(t), "NO_COLOR=1"),
		apply: []string{"apply", "-runtime", engine.Name, "-host", engine.Host, "-parallelism", "2"}, maxDelay: 6 * time.Second}
	s.run(n)
}

// run does n applies with random fates, then a clean one, checking after
// each; the configuration ends up entirely built and up to date.
func (s *soak) run(n int) {
	t := s.t
	os.WriteFile(filepath.Join(s.dir, "isos.hcl"), []byte(soakConfig), 0o644)
	for i := 0; i < n; i++ {
		if s.rng.IntN(2) == 0 {
			s.edit()
		}
		how := s.applyOnce()
		s.checkLock(fmt.Sprintf("apply %d (%s)", i, how))
		if how == "clean" {
			s.checkNoLeftovers(fmt.Sprintf("apply %d", i))
		}
	}
	if how := s.applyWith("", 0, false); how != "clean" {
		t.Fatalf("the final apply did not complete: %s", how)
	}
	s.checkLock("final apply")
	s.checkNoLeftovers("final apply")
	s.checkUpToDate()
}

type soak struct {
	t        *testing.T
	bin      string
	dir      string
	rng      *rand.Rand
	env      []string
	apply    []string      // the apply command line
	maxDelay time.Duration // the longest wait before a signal
	engine   *runtimetest.Engine
}

func (s *soak) command(args ...string) *exec.Cmd {
	cmd := exec.Command(s.bin, args...)
	cmd.Dir, cmd.Env = s.dir, s.env
	return cmd
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// edit changes one variant's packages in isos.hcl.
func (s *soak) edit() {
	p := filepath.Join(s.dir, "isos.hcl")
	b, _ := os.ReadFile(p)
	v := string(rune('a' + s.rng.IntN(4)))
	lines := strings.Split(string(b), "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, `variant "`+v+`"`) {
			lines[i] = fmt.Sprintf(`variant "%s" { hostname = "h%d" }`, v, s.rng.IntN(1000))
		}
	}
	// Written in place, not renamed: an editor saving during a build.
	os.WriteFile(p, []byte(strings.Join(lines, "\n")), 0o644)
}

// applyOnce runs one apply with a random fate and says what happened.
func (s *soak) applyOnce() string {
	delay := time.Duration(s.rng.Int64N(int64(s.maxDelay)))
	switch r := s.rng.IntN(10); {
	case r < 4:
		return s.applyWith("", 0, r == 0)
	case r < 6:
		return s.applyWith("INT", delay, false)
	case r < 8:
		return s.applyWith("KILL", delay, false)
	default:
		return s.applyWith("PIPE", 0, false)
	}
}

// applyWith runs apply; sig names a signal sent after delay ("PIPE":
// stdout is a pipe whose reader is gone); editDuring edits isos.hcl while
// the builds run.
func (s *soak) applyWith(sig string, delay time.Duration, editDuring bool) string {
	cmd := s.command(s.apply...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if sig == "PIPE" {
		r, w, _ := os.Pipe()
		r.Close()
		defer w.Close()
		cmd.Stdout = w
	}
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	if editDuring {
		time.Sleep(s.maxDelay / 8)
		s.edit()
	}
	switch sig {
	case "INT":
		time.Sleep(delay)
		cmd.Process.Signal(syscall.SIGINT)
	case "KILL":
		time.Sleep(delay)
		cmd.Process.Kill()
	}
	err := cmd.Wait()
	code := cmd.ProcessState.ExitCode()
	switch {
	case sig == "KILL" || code == -1:
		// A SIGINT in the first milliseconds, before the handler is
		// installed, kills the process like SIGKILL.
		return "killed"
	case err == nil:
		return "clean"
	case sig == "INT" && code == exitInterrupted, sig == "PIPE" && code == exitSIGPIPE:
		return "interrupted"
	case code == exitError1 && (editDuring || strings.Contains(stderr.String(), "changed while")):
		return "clean" // a build discarded because its configuration changed
	default:
		s.t.Fatalf("apply (signal %q): exit %d: %s", sig, code, stderr.String())
		return ""
	}
}

// checkLock parses the lock and checks every entry against its artifact.
func (s *soak) checkLock(when string) {
	s.t.Helper()
	l, _, diags := lockfile.Load(filepath.Join(s.dir, lockfile.FileName))
	if diags.HasErrors() {
		s.t.Fatalf("%s: the lock does not parse: %s", when, diags.Error())
	}
	for _, name := range l.VariantNames() {
		e, _ := l.Variant(name)
		b, err := os.ReadFile(filepath.Join(s.dir, filepath.FromSlash(e.Artifact)))
		if err != nil {
			s.t.Fatalf("%s: %s's artifact: %v", when, name, err)
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != e.SHA256 || int64(len(b)) != e.Size {
			s.t.Fatalf("%s: %s's artifact does not match its lock entry", when, name)
		}
	}
}

// checkNoLeftovers looks for temporary files and work directories.
func (s *soak) checkNoLeftovers(when string) {
	s.t.Helper()
	filepath.WalkDir(s.dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), atomicfile.TempPrefix) {
			s.t.Errorf("%s: temporary file left: %s", when, p)
		}
		return nil
	})
	if entries, _ := os.ReadDir(filepath.Join(s.dir, ".isoforge", "work")); len(entries) > 0 {
		s.t.Errorf("%s: %d work directories left", when, len(entries))
	}
	if s.engine != nil {
		assertNoContainers(s.t, *s.engine, s.dir)
	}
}

// checkUpToDate: after the final apply there is nothing to rebuild.
func (s *soak) checkUpToDate() {
	s.t.Helper()
	plan := s.command("plan", "-detailed-exitcode")
	if out, err := plan.CombinedOutput(); err != nil {
		s.t.Fatalf("after the final apply, plan: %v\n%s", err, out)
	}
}

// checkRendered: every artifact holds exactly what the final
// configuration renders (the fake runtime embeds its iso.nix).
func (s *soak) checkRendered() {
	s.t.Helper()
	for _, v := range []string{"a", "b", "c", "d"} {
		render := s.command("render", v)
		want, err := render.Output()
		if err != nil {
			s.t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(s.dir, "out", v+".iso"))
		if err != nil || !bytes.HasSuffix(got, want) {
			s.t.Errorf("out/%s.iso does not hold what the final configuration renders", v)
		}
	}
}
