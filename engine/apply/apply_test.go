package apply_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/engine/atomicfile"
	"github.com/isoforge/isoforge/engine/fingerprint"
	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/engine/pin"
	"github.com/isoforge/isoforge/engine/plan"
	"github.com/isoforge/isoforge/engine/workspace"
	"github.com/isoforge/isoforge/runtimes/fake"
	"github.com/isoforge/isoforge/spec"
)

const config = `
nixpkgs {
  rev = "0123456789abcdef0123456789abcdef01234567"
}

defaults {
  packages = ["htop"]
}

variant "a" {}
variant "b" { hostname = "bee" }
variant "c" { packages = ["git"] }
`

func setup(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// run plans and applies dir with the fake runtime.
func run(t testing.TB, ctx context.Context, dir string, rt *fake.Runtime, o apply.Options) ([]apply.Result, error) {
	t.Helper()
	_, results, err := runApplier(t, ctx, dir, rt, o)
	return results, err
}

// runApplier is run, returning the Applier too.
func runApplier(t testing.TB, ctx context.Context, dir string, rt *fake.Runtime, o apply.Options) (*apply.Applier, []apply.Result, error) {
	t.Helper()
	ws, pl := planned(t, ctx, dir)
	if o.Parallelism == 0 {
		o.Parallelism = 2
	}
	if o.RunID == "" {
		o.RunID = "test"
	}
	a := &apply.Applier{Cfg: ws.Cfg, Lock: ws.Lock, LockPath: ws.LockPath, Runtime: rt, Cache: ws.Cache}
	results, err := a.Apply(ctx, pl, o)
	return a, results, err
}

// planned loads, pins (with the TEST DOUBLE nar_hash) and plans dir.
func planned(t testing.TB, ctx context.Context, dir string) (*workspace.Workspace, *plan.Plan) {
	t.Helper()
	cfg, diags := spec.NewLoader().Load(dir, spec.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	ws, diags := workspace.Open(cfg)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	p, _, err := ws.Pin(ctx, &pin.Resolver{}, false)
	if err != nil {
		t.Fatal(err)
	}
	if p.NarHash == "" {
		p.NarHash = testNarHash // what `isoforge lock` records; the fake fetches nothing
	}
	pl, err := ws.Plan(p, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return ws, pl
}

// testNarHash is a TEST DOUBLE nar_hash for the fake runtime's pin.
var testNarHash = "sha256-" + strings.Repeat("A", 43) + "="

func loadLock(t *testing.T, dir string) *lockfile.Lock {
	t.Helper()
	l, _, diags := lockfile.Load(filepath.Join(dir, lockfile.FileName))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return l
}

// checkConsistent asserts that every lock entry matches its artifact and
// that no temporary file is left.
func checkConsistent(t *testing.T, dir string) {
	t.Helper()
	l := loadLock(t, dir)
	for _, n := range l.VariantNames() {
		e, _ := l.Variant(n)
		sum, _, err := fingerprint.FileSum(filepath.Join(dir, e.Artifact))
		if err != nil || sum != e.SHA256 {
			t.Errorf("lock entry %s does not match %s: %v", n, e.Artifact, err)
		}
	}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasPrefix(info.Name(), atomicfile.TempPrefix) {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
}

func TestApplyBuildsOnlyWhatChanged(t *testing.T) {
	dir := setup(t, config)
	rt := &fake.Runtime{}
	if _, err := run(t, context.Background(), dir, rt, apply.Options{}); err != nil {
		t.Fatal(err)
	}
	if rt.RunCount() != 3 {
		t.Fatalf("first apply ran %d containers, want 3", rt.RunCount())
	}
	checkConsistent(t, dir)
	checkOutputs(t, dir, 3)
	if _, err := run(t, context.Background(), dir, rt, apply.Options{}); err != nil || rt.RunCount() != 3 {
		t.Fatalf("second apply started containers (%d) or failed: %v", rt.RunCount(), err)
	}
	os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(strings.Replace(config, `"bee"`, `"wasp"`, 1)), 0o644)
	os.Remove(filepath.Join(dir, "out", "c.iso"))
	if _, err := run(t, context.Background(), dir, rt, apply.Options{}); err != nil {
		t.Fatal(err)
	}
	if rt.RunCount() != 5 {
		t.Fatalf("editing b and deleting c.iso ran %d new containers, want 2", rt.RunCount()-3)
	}
	checkConsistent(t, dir)
	checkOutputs(t, dir, 3)
}

// checkOutputs verifies SHA256SUMS and manifest.json against the lock.
func checkOutputs(t *testing.T, dir string, n int) {
	t.Helper()
	l := loadLock(t, dir)
	f, err := os.Open(filepath.Join(dir, "out", "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines := 0
	for sc := bufio.NewScanner(f); sc.Scan(); lines++ {
		sum, file, _ := strings.Cut(sc.Text(), "  ")
		got, _, err := fingerprint.FileSum(filepath.Join(dir, "out", file))
		if err != nil || got != sum {
			t.Errorf("SHA256SUMS line %q does not match the file", sc.Text())
		}
	}
	var m apply.Manifest
	b, _ := os.ReadFile(filepath.Join(dir, "out", "manifest.json"))
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if lines != n || len(m.Variants) != n {
		t.Fatalf("SHA256SUMS has %d lines and the manifest %d variants, want %d", lines, len(m.Variants), n)
	}
	for _, v := range m.Variants {
		e, ok := l.Variant(v.Name)
		if !ok || e.SHA256 != v.SHA256 || e.InputsHash != v.InputsHash || e.Size != v.Size || v.Nixpkgs != "rev:0123456789abcdef0123456789abcdef01234567" {
			t.Errorf("manifest entry %s does not match the lock", v.Name)
		}
	}
}

func TestFailedBuildKeepsOldArtifact(t *testing.T) {
	dir := setup(t, config)
	if _, err := run(t, context.Background(), dir, &fake.Runtime{}, apply.Options{}); err != nil {
		t.Fatal(err)
	}
	old := loadLock(t, dir)
	oldB, _ := os.ReadFile(filepath.Join(dir, "out", "b.iso"))
	os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(strings.Replace(strings.Replace(config, `"bee"`, `"wasp"`, 1), `["git"]`, `["git", "vim"]`, 1)), 0o644)
	rt := &fake.Runtime{Fail: map[string]int{"b": 3}}
	results, err := run(t, context.Background(), dir, rt, apply.Options{})
	if !errors.Is(err, apply.ErrBuildsFailed) {
		t.Fatalf("err = %v, want ErrBuildsFailed", err)
	}
	var failed *apply.Result
	for i := range results {
		if results[i].Err != nil {
			failed = &results[i]
		}
	}
	if failed == nil || failed.Variant != "b" || !apply.IsBuildError(failed.Err) || !strings.Contains(failed.Err.Error(), "fake build failure") {
		t.Fatalf("want b to fail with its log tail, got %+v", failed)
	}
	nowB, _ := os.ReadFile(filepath.Join(dir, "out", "b.iso"))
	oldEntry, _ := old.Variant("b")
	newEntry, _ := loadLock(t, dir).Variant("b")
	if string(nowB) != string(oldB) || oldEntry.SHA256 != newEntry.SHA256 {
		t.Error("a failed build touched the old artifact or its lock entry")
	}
	cOld, _ := old.Variant("c")
	cNew, _ := loadLock(t, dir).Variant("c")
	if cOld.SHA256 == cNew.SHA256 {
		t.Error("c should have been rebuilt despite b failing (-on-error=continue)")
	}
	checkConsistent(t, dir)
}

func TestAbortCancelsOthers(t *testing.T) {
	dir := setup(t, config)
	rt := &fake.Runtime{Fail: map[string]int{"a": 1}, Delay: 200 * time.Millisecond}
	results, err := run(t, context.Background(), dir, rt, apply.Options{Abort: true, Parallelism: 1})
	if !errors.Is(err, apply.ErrBuildsFailed) {
		t.Fatalf("err = %v", err)
	}
	built := 0
	for _, r := range results {
		if r.Built {
			built++
		}
	}
	if built != 0 || rt.RunCount() != 1 {
		t.Errorf("abort still built %d variants and ran %d containers", built, rt.RunCount())
	}
}

func TestCancelLeavesConsistentState(t *testing.T) {
	dir := setup(t, config)
	rt := &fake.Runtime{Delay: 5 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := run(t, ctx, dir, rt, apply.Options{})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > 3*time.Second {
		t.Error("cancellation did not stop the builds promptly")
	}
	checkConsistent(t, dir)
	if entries, _ := os.ReadDir(filepath.Join(dir, workspace.StateDir, "work")); len(entries) != 0 {
		t.Errorf("work directories left: %d", len(entries))
	}
}

// TestBuildScriptIsTheDocumentedCommand keeps docs/builders.md showing
// the exact script the builder runs.
func TestBuildScriptIsTheDocumentedCommand(t *testing.T) {
	f, _ := spec.LookupFormat("install-iso")
	got := apply.BuildScript(f, "/nix/store/<hash>-source", apply.ScriptOptions{})
	doc, err := os.ReadFile("../../docs/builders.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), "```sh\n"+got+"```") {
		t.Errorf("docs/builders.md does not show the build script; it is:\n%s", got)
	}
	traced := apply.BuildScript(f, "x", apply.ScriptOptions{ShowTrace: true})
	if !strings.Contains(traced, `--out-link "$link" --show-trace`+"\n") {
		t.Errorf("-show-trace does not reach nix-build:\n%s", traced)
	}
	for _, bad := range []string{"<nixpkgs", "tarball-ttl", "http"} {
		if strings.Contains(got, bad) {
			t.Errorf("the build script uses %s: %s", bad, got)
		}
	}
}

// TestPruneDeletesOrphansOnly: a removed variant's artifact is kept by a
// plain apply and listed as an orphan; a later -prune deletes it (its
// lock entry long gone) and keeps a file placed in out/ by hand;
// SHA256SUMS and manifest.json then agree with out/.
func TestPruneDeletesOrphansOnly(t *testing.T) {
	dir := setup(t, config)
	if _, err := run(t, context.Background(), dir, &fake.Runtime{}, apply.Options{}); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(strings.Replace(config, `variant "c" { packages = ["git"] }`, "", 1)), 0o644)
	if _, err := run(t, context.Background(), dir, &fake.Runtime{}, apply.Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "c.iso")); err != nil {
		t.Fatal("a plain apply deleted the removed variant's artifact")
	}
	var m apply.Manifest
	b, _ := os.ReadFile(filepath.Join(dir, "out", "manifest.json"))
	if json.Unmarshal(b, &m) != nil || len(m.Orphans) != 1 || m.Orphans[0].File != "c.iso" {
		t.Fatalf("manifest orphans: %+v", m.Orphans)
	}
	os.WriteFile(filepath.Join(dir, "out", "notes.txt"), []byte("mine"), 0o644)
	if _, err := run(t, context.Background(), dir, &fake.Runtime{}, apply.Options{Prune: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "c.iso")); err == nil {
		t.Error("-prune kept the orphan")
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "notes.txt")); err != nil {
		t.Error("-prune deleted a file isoforge did not write")
	}
	checkOutputs(t, dir, 2)
	entries, _ := os.ReadDir(filepath.Join(dir, "out"))
	if len(entries) != 5 { // a.iso b.iso notes.txt SHA256SUMS manifest.json
		t.Errorf("out/ holds %d files", len(entries))
	}
}

// TestFetchFailureBuildsNothing: when the init container cannot fetch
// the pinned nixpkgs (hash mismatch), apply fails with one line naming
// the lock's nar_hash and starts no build.
func TestFetchFailureBuildsNothing(t *testing.T) {
	dir := setup(t, config)
	rt := &fake.Runtime{FetchFail: "error: hash mismatch in file downloaded from 'https://example.org/x.tar.gz':"}
	results, err := run(t, context.Background(), dir, rt, apply.Options{})
	if err == nil || !strings.Contains(err.Error(), "does not match nar_hash "+testNarHash) || strings.Contains(err.Error(), "\n") {
		t.Fatalf("err = %v", err)
	}
	if rt.RunCount() != 0 || len(results) != 0 {
		t.Errorf("%d builds ran, %d results", rt.RunCount(), len(results))
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "a.iso")); err == nil {
		t.Error("an artifact appeared")
	}
}
