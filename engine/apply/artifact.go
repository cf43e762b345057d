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
	n, err := io.CopyBuffer(io.MultiWriter(&writingBack{f: out}, h), in, make([]byte, 1<<20))
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

// writeBackChunk is how much written data writingBack lets pile up
// before it starts writing it to disk.
const writeBackChunk = 32 << 20

// writingBack writes to f and starts write-back of every full chunk as
// it goes: a 1 GiB artifact is then mostly on disk when the stream ends,
// and the closing fsync no longer waits for all of it.
type writingBack struct {
	f         *os.File
	off, done int64
}

func (w *writingBack) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.off += int64(n)
	if w.off-w.done >= writeBackChunk {
		startWriteback(w.f, w.done, w.off-w.done)
		w.done = w.off
	}
	return n, err
}
