package security_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/isoforge/isoforge/runtimes/fake"
)

// bait is a file outside the configuration named as isoforge's own
// temporary files are, which clean and apply delete when left over.
const bait = ".isoforge-tmp-a.iso-4711"

// Class "deletion": no repository content makes isoforge delete a file
// outside the configuration directory. The sentinel tree holds a
// leftover-looking file that clean and -prune would remove if they
// followed a link or a path out.
func TestDeletionStaysInside(t *testing.T) {
	t.Run("out is a symlink", func(t *testing.T) {
		a := baitArena(t)
		if err := os.Symlink(filepath.Join("..", "outside", "dir"), filepath.Join(a.repo, "out")); err != nil {
			t.Fatal(err)
		}
		refused(t, a.run("clean"), "out is a symlink")
		refused(t, a.run("apply", "-prune"), "out is a symlink")
	})
	t.Run(".isoforge is a symlink", func(t *testing.T) {
		a := baitArena(t)
		if err := os.Symlink(filepath.Join("..", "outside", "dir"), filepath.Join(a.repo, ".isoforge")); err != nil {
			t.Fatal(err)
		}
		refused(t, a.run("clean"), ".isoforge is a symlink")
	})
	t.Run("lock artifact points out", func(t *testing.T) {
		a := baitArena(t)
		if _, err := a.applyWith(&fake.Runtime{}); err != nil {
			t.Fatal(err)
		}
		lock := filepath.Join(a.repo, "isos.lock.hcl")
		b, err := os.ReadFile(lock)
		if err != nil {
			t.Fatal(err)
		}
		tampered := regexp.MustCompile(`artifact *= "out/a.iso"`).ReplaceAll(b, []byte(`artifact = "../outside/dir/`+bait+`"`))
		a.write(lock, string(tampered))
		// Variant a removed: -prune would delete the artifact its entry names.
		a.write(filepath.Join(a.repo, "isos.hcl"), header+"variant \"b\" {}\n")
		refused(t, a.run("apply", "-prune"), "is not a plain file name inside the output directory")
	})
}

// baitArena is an arena whose sentinel tree also holds the bait.
func baitArena(t *testing.T) *arena {
	t.Helper()
	a := newArena(t, header+"variant \"a\" {}\n")
	a.write(filepath.Join(a.outside, "dir", bait), "not isoforge's\n")
	a.before = hashTree(t, a.outside)
	return a
}
