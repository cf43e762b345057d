package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/runtimes/runtimetest"
	"github.com/isoforge/isoforge/spec"
)

// equalFleet writes n variants of equal cost whose derivations change
// with var.nonce, so every apply really builds; the stand-in sleeps
// `seconds` in each build to stand for real work.
func equalFleet(tb testing.TB, n, seconds int) string {
	dir := tb.TempDir()
	src := fmt.Sprintf(`variable "nonce" { default = "0" }
nixpkgs { path = "unused" }
runtime { nix_volume = "isoforge-bench" }
variant "eq" {
  for_each = toset([%s])
  hostname = "n${var.nonce}-${each.key}"
  nix      = "isoforge.standin.sleep = %d;"
}
`, quotedRange(n), seconds)
	os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(src), 0o644)
	return dir
}

func quotedRange(n int) string {
	s := ""
	for i := 0; i < n; i++ {
		if i > 0 {
			s += ", "
		}
		s += strconv.Quote(strconv.Itoa(i))
	}
	return s
}

// nonceBase makes every benchmark run build derivations the shared store
// has not seen, so nothing is a cache hit.
func nonceBase() int {
	return int(time.Now().UnixNano()%1e9) * 100
}

func timedApply(b *testing.B, e runtimetest.Engine, dir string, nonce int, args ...string) time.Duration {
	b.Helper()
	start := time.Now()
	r := isoforge(b, e, dir, append([]string{"apply", "-var", "nonce=" + strconv.Itoa(nonce)}, args...)...)
	if r.code != 0 {
		b.Fatalf("apply: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	return time.Since(start)
}

// BenchmarkApplyParallelism: 4 equal variants at -parallelism 2 against
// -parallelism 1, same run; target wall-clock ratio <= 0.55.
func BenchmarkApplyParallelism(b *testing.B) {
	e := runtimetest.Engines(b)[0]
	dir := equalFleet(b, 4, 3)
	base := nonceBase()
	timedApply(b, e, dir, base) // creates and initialises the store volume
	var serial, parallel time.Duration
	for i := 1; i <= b.N; i++ {
		serial += timedApply(b, e, dir, base+2*i, "-parallelism", "1")
		parallel += timedApply(b, e, dir, base+2*i+1, "-parallelism", "2")
	}
	b.ReportMetric(serial.Seconds()/float64(b.N), "serial-s")
	b.ReportMetric(parallel.Seconds()/float64(b.N), "parallel-s")
	b.ReportMetric(parallel.Seconds()/serial.Seconds(), "wall-ratio")
}

// BenchmarkOrchestrationOverhead: one build through isoforge against the
// equivalent raw `podman run` of the same image, mounts and command,
// alternating in the same run; target ratio <= 1.10.
func BenchmarkOrchestrationOverhead(b *testing.B) {
	e := runtimetest.Engines(b)[0]
	if e.Name != "podman" {
		b.Skip("compares with the podman CLI")
	}
	dir := equalFleet(b, 1, 0)
	base := nonceBase()
	timedApply(b, e, dir, base)
	var ours, raw time.Duration
	for i := 1; i <= b.N; i++ {
		o := timedApply(b, e, dir, base+2*i)
		r := rawPodmanBuild(b, e, dir, base+2*i+1)
		b.Logf("isoforge %v, podman run %v", o.Round(time.Millisecond), r.Round(time.Millisecond))
		ours, raw = ours+o, raw+r
	}
	b.ReportMetric(ours.Seconds()/float64(b.N), "isoforge-s")
	b.ReportMetric(raw.Seconds()/float64(b.N), "podman-run-s")
	b.ReportMetric(ours.Seconds()/raw.Seconds(), "overhead-ratio")
}

// rawPodmanBuild renders the variant and runs the production build
// script with `podman run`, as a person scripting it by hand would.
func rawPodmanBuild(b *testing.B, e runtimetest.Engine, dir string, nonce int) time.Duration {
	b.Helper()
	start := time.Now()
	r := isoforge(b, e, dir, "render", "-var", "nonce="+strconv.Itoa(nonce), "eq-0")
	if r.code != 0 {
		b.Fatal(r.stderr)
	}
	work := filepath.Join(b.TempDir(), "work")
	os.MkdirAll(filepath.Join(work, "artifact"), 0o755)
	os.WriteFile(filepath.Join(work, "iso.nix"), []byte(r.stdout), 0o644)
	f, _ := spec.LookupFormat("install-iso")
	cmd := exec.Command("podman", "--url", e.Host, "run", "--rm",
		"-v", dir+":/isoforge/src:ro", "-v", work+":/isoforge/work", "-v", runtimetest.StandinPath(b)+":/isoforge/nixpkgs:ro",
		"-v", "isoforge-bench:/nix", "-e", "XDG_CACHE_HOME=/nix/var/isoforge/cache",
		runtimetest.BuilderImage(b), "/bin/sh", "-c", apply.BuildScript(f, "/isoforge/nixpkgs", apply.ScriptOptions{}))
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("podman run: %v\n%s", err, out)
	}
	return time.Since(start)
}
