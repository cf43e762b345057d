package apply

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/isoforge/isoforge/engine/atomicfile"
)

// copied is an artifact staged next to its final path.
type copied struct {
	tmp    string
	sha256 string
	size   int64
}

// stageArtifact copies src into dst's directory under a temporary name,
// hashing it in the same pass, and syncs it. The caller renames it into
// place with commit, or removes it with discard.
func stageArtifact(src, dst string) (c copied, err error) {
	in, err := os.Open(src)
	if err != nil {
		return c, err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return c, err
	}
	out, err := os.CreateTemp(filepath.Dir(dst), atomicfile.TempPrefix+filepath.Base(dst)+"-*")
	if err != nil {
		return c, err
	}
	c.tmp = out.Name()
	defer func() {
		if err != nil {
			out.Close()
			os.Remove(c.tmp)
		}
	}()
	h := sha256.New()
	n, err := io.CopyBuffer(io.MultiWriter(out, h), in, make([]byte, 1<<20))
	if err != nil {
		return c, fmt.Errorf("copying artifact to %s: %w", dst, err)
	}
	// Artifacts honour the umask: under umask 077 they stay private.
	if err = out.Chmod(0o644 &^ atomicfile.Umask()); err != nil {
		return c, err
	}
	if err = out.Sync(); err != nil {
		return c, err
	}
	if err = out.Close(); err != nil {
		return c, err
	}
	c.sha256, c.size = hex.EncodeToString(h.Sum(nil)), n
	return c, nil
}

// findArtifact returns the single file the builder copied out.
func findArtifact(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			return filepath.Join(dir, e.Name()), nil
		}
	}
	return "", fmt.Errorf("the builder finished but left no artifact in %s", dir)
}
