package lockfile_test

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/rogpeppe/go-internal/diff"
)

func sampleLock(variants int, salt string) *lockfile.Lock {
	l := lockfile.New()
	rev := strings.Repeat("c", 40)
	l.SetPin(lockfile.Pin{Channel: "nixos-24.11", Rev: rev, URL: "https://github.com/NixOS/nixpkgs/archive/" + rev + ".tar.gz",
		NarHash: "sha256-" + strings.Repeat("B", 43) + "="})
	l.SetBuilder(lockfile.Builder{Image: "localhost/builder:1", ID: "sha256:" + strings.Repeat("e", 64)})
	for i := variants - 1; i >= 0; i-- {
		name := fmt.Sprintf("site-%04d", i)
		l.SetVariant(name, lockfile.Entry{
			InputsHash: "h1:" + strings.Repeat("A", 43) + "=", Format: "install-iso",
			Artifact: "out/" + name + ".iso", SHA256: strings.Repeat(salt, 64), Size: int64(i),
			Inputs: map[string]string{"iso.nix": strings.Repeat(salt, 15) + "1", "src/modules/x.nix": strings.Repeat(salt, 15) + "2",
				"src/my ${module}.nix": strings.Repeat(salt, 15) + "3"},
		})
	}
	return l
}

func TestRoundTripIsCanonical(t *testing.T) {
	l := sampleLock(3, "d")
	b := l.Bytes()
	back, _, diags := lockfile.Parse(b, "isos.lock.hcl")
	if diags.HasErrors() {
		t.Fatalf("%s\n%s", diags.Error(), b)
	}
	if f := hclwrite.Format(b); string(f) != string(b) {
		t.Errorf("the lock is not in canonical HCL format: fmt would rewrite it:\n%s", diff.Diff("lock", b, "fmt", f))
	}
	if !strings.Contains(string(b), "\n    \"src/modules/x.nix\"     = \"ddddddddddddddd2\"\n") {
		t.Errorf("per-input hashes are not one per line:\n%s", b)
	}
	if !back.Equal(l) {
		t.Fatalf("round trip changed the lock:\n%s", b)
	}
	if string(back.Bytes()) != string(b) {
		t.Errorf("writing an unchanged lock changed its bytes")
	}
	text := string(b)
	if !strings.HasPrefix(text, "# This file is maintained automatically") {
		t.Errorf("missing header:\n%s", text)
	}
	if !(strings.Index(text, `"site-0000"`) < strings.Index(text, `"site-0001"`) && strings.Index(text, `"site-0001"`) < strings.Index(text, `"site-0002"`)) {
		t.Errorf("variants are not sorted:\n%s", text)
	}
}

func TestParseRejectsMalformedEntries(t *testing.T) {
	tests := map[string]string{
		"bad hash":  `variant "a" { inputs_hash = "md5:x" ; format = "iso" ; artifact = "out/a.iso" ; sha256 = "00" ; size = 1 }`,
		"duplicate": strings.Repeat(`variant "a" {`+"\n"+`inputs_hash = "h1:`+strings.Repeat("A", 43)+`="`+"\n"+`format = "iso"`+"\n"+`artifact = "out/a.iso"`+"\n"+`sha256 = "`+strings.Repeat("0", 64)+`"`+"\n"+`size = 1`+"\n}\n", 2),
		"syntax":    `variant "a" {`,
		"unknown":   `wat {}`,
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			if _, _, diags := lockfile.Parse([]byte(src), "isos.lock.hcl"); !diags.HasErrors() {
				t.Errorf("no error for %s", name)
			}
		})
	}
}

func TestMissingFileIsEmpty(t *testing.T) {
	l, _, diags := lockfile.Load(filepath.Join(t.TempDir(), "isos.lock.hcl"))
	if diags.HasErrors() || len(l.VariantNames()) != 0 {
		t.Fatalf("want an empty lock, got %v %v", l.VariantNames(), diags)
	}
}

// TestWriterHelper is the child process of TestSaveSurvivesKill: it
// rewrites the lock in a loop until it is killed.
func TestWriterHelper(t *testing.T) {
	path := os.Getenv("ISOFORGE_LOCK_WRITER")
	if path == "" {
		t.Skip("helper process for TestSaveSurvivesKill")
	}
	locks := []*lockfile.Lock{sampleLock(300, "a"), sampleLock(300, "b")}
	os.WriteFile(path+".ready", nil, 0o644)
	for i := 0; ; i++ {
		if err := locks[i%2].Save(path); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSaveSurvivesKill kills a process in the middle of rewriting the
// lock, many times, and checks the lock always parses to one of the two
// contents it was writing.
func TestSaveSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the kill loop")
	}
	a, b := sampleLock(300, "a"), sampleLock(300, "b")
	r := rand.New(rand.NewSource(time.Now().UnixNano()))
	for i := 0; i < 25; i++ {
		dir := t.TempDir()
		path := filepath.Join(dir, "isos.lock.hcl")
		if err := a.Save(path); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestWriterHelper$")
		cmd.Env = append(os.Environ(), "ISOFORGE_LOCK_WRITER="+path)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for j := 0; j < 500; j++ {
			if _, err := os.Stat(path + ".ready"); err == nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(time.Duration(r.Intn(40)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		got, _, diags := lockfile.Load(path)
		if diags.HasErrors() {
			t.Fatalf("kill %d: lock does not parse: %s", i, diags.Error())
		}
		if !got.Equal(a) && !got.Equal(b) {
			t.Fatalf("kill %d: lock holds neither the old nor the new content", i)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sampleLock(2, "e").Bytes())
	f.Add([]byte(`nixpkgs { rev = "x" }`))
	f.Add([]byte(`variant "a" { size = -1 }`))
	// Depth-hostile seeds: 60k brackets overflowed the stack of a parse
	// that skipped spec.CheckInputBounds.
	f.Add([]byte("x = " + strings.Repeat("[", 60000) + strings.Repeat("]", 60000) + "\n"))
	f.Add([]byte("variant \"a\" {\n  size = " + strings.Repeat("(", 60000) + "1" + strings.Repeat(")", 60000) + "\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		l, _, diags := lockfile.Parse(src, "isos.lock.hcl")
		if diags.HasErrors() {
			return
		}
		back, _, diags := lockfile.Parse(l.Bytes(), "isos.lock.hcl")
		if diags.HasErrors() || !back.Equal(l) {
			t.Fatalf("a lock that parsed does not survive a rewrite: %v", diags)
		}
	})
}
