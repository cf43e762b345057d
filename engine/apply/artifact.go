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

// stageArtifact stages a file the builder wrote into the bind-mounted
// work directory. On the same filesystem it is renamed next to dst and
// hashed in one read, so its bytes are not written again; across
// filesystems it is copied and hashed in the same pass. The caller
// renames it into place with commit.
func stageArtifact(src, dst string) (copied, error) {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return copied{}, err
	}
	tmp := filepath.Join(filepath.Dir(dst), atomicfile.TempPrefix+filepath.Base(dst)+"-"+filepath.Base(filepath.Dir(filepath.Dir(src))))
	if err := os.Rename(src, tmp); err != nil {
		in, err := os.Open(src)
		if err != nil {
			return copied{}, err
		}
		defer in.Close()
		return stageStream(in, dst)
	}
	return hashInPlace(tmp)
}

// hashInPlace hashes and syncs a staged file.
func hashInPlace(tmp string) (c copied, err error) {
	c.tmp = tmp
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	f, err := os.OpenFile(tmp, os.O_RDWR, 0)
	if err != nil {
		return c, err
	}
	defer f.Close()
	h := sha256.New()
	if c.size, err = io.CopyBuffer(h, f, make([]byte, 1<<20)); err != nil {
		return c, err
	}
	if err = f.Chmod(0o644 &^ atomicfile.Umask()); err != nil {
		return c, err
	}
	if err = f.Sync(); err != nil {
		return c, err
	}
	c.sha256 = hex.EncodeToString(h.Sum(nil))
	return c, f.Close()
}

// stageStream writes an artifact's bytes into dst's directory under a
// temporary name, hashing them in the same pass, and syncs it.
func stageStream(in io.Reader, dst string) (c copied, err error) {
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
