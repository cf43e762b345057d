package fingerprint

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"

	"github.com/isoforge/isoforge/engine/atomicfile"
)

// FileSum hashes a regular file with SHA-256 and returns the hex digest
// and size. It does not follow a symlink and refuses anything but a
// regular file: a FIFO or a link to /dev/zero would never end.
func FileSum(path string) (string, int64, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		return "", 0, fmt.Errorf("%s is not a regular file", path)
	}
	h := sha256.New()
	n, err := io.CopyBuffer(h, f, make([]byte, 1<<20))
	if err != nil {
		return "", 0, fmt.Errorf("hashing %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}

// StatCache remembers artifact digests by file identity (size, mtime,
// inode), so a plan re-hashes only files that changed on disk. It lives
// under .isoforge/ and is never committed; losing it only costs time.
type StatCache struct {
	mu      sync.Mutex
	path    string
	entries map[string]statEntry
	dirty   bool
}

type statEntry struct {
	Size    int64  `json:"size"`
	MtimeNs int64  `json:"mtime_ns"`
	Inode   uint64 `json:"inode"`
	SHA256  string `json:"sha256"`
}

// LoadStatCache reads the cache at path; a missing or unreadable cache is
// an empty one.
func LoadStatCache(path string) *StatCache {
	c := &StatCache{path: path, entries: map[string]statEntry{}}
	if b, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(b, &c.entries)
	}
	return c
}

// ErrMissing reports an artifact that is not on disk.
var ErrMissing = errors.New("artifact missing")

// Sum returns the digest of the file at path, from the cache when the
// file's identity is unchanged and verify is false.
func (c *StatCache) Sum(path string, verify bool) (string, int64, error) {
	st, err := os.Lstat(path)
	if errors.Is(err, os.ErrNotExist) {
		return "", 0, ErrMissing
	}
	if err != nil {
		return "", 0, err
	}
	if !st.Mode().IsRegular() {
		return "", 0, fmt.Errorf("%s is not a regular file (a symlink, FIFO or device); remove it", path)
	}
	id := identity(st)
	c.mu.Lock()
	cached, ok := c.entries[path]
	c.mu.Unlock()
	if ok && !verify && cached.Size == id.Size && cached.MtimeNs == id.MtimeNs && cached.Inode == id.Inode {
		return cached.SHA256, cached.Size, nil
	}
	sum, n, err := FileSum(path)
	if err != nil {
		return "", 0, err
	}
	c.Record(path, st, sum)
	return sum, n, nil
}

// Record stores a digest computed elsewhere (e.g. while copying).
func (c *StatCache) Record(path string, st os.FileInfo, sum string) {
	id := identity(st)
	id.SHA256 = sum
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[path] = id
	c.dirty = true
}

// Save writes the cache if it changed.
func (c *StatCache) Save() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.dirty || c.path == "" {
		return nil
	}
	b, err := json.Marshal(c.entries)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(c.path), 0o755); err != nil {
		return err
	}
	c.dirty = false
	return atomicfile.Write(c.path, b, 0o644)
}

func identity(st os.FileInfo) statEntry {
	e := statEntry{Size: st.Size(), MtimeNs: st.ModTime().UnixNano()}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		e.Inode = sys.Ino
	}
	return e
}
