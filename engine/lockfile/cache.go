package lockfile

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/isoforge/isoforge/engine/atomicfile"
)

// cached is a parsed lockfile keyed by the SHA-256 of its bytes. HCL
// parsing dominates a no-op plan of a large fleet, and the lock rarely
// changes between plans; a content-addressed cache cannot go stale.
//
// The cache lives under .isoforge/, which a repository may commit: it is
// untrusted. Its key only says which lockfile it claims to describe, so
// every value read from it passes the same checks as the parser's
// (checkPin, checkEntry), and a cache that fails any is ignored.
type cached struct {
	Sum      string           `json:"sum"`
	Pin      *Pin             `json:"pin,omitempty"`
	Builder  *Builder         `json:"builder,omitempty"`
	Variants map[string]Entry `json:"variants"`
}

// LoadCached is Load, reusing the parse of identical bytes kept at
// cachePath (under .isoforge/, never committed; losing it costs time).
func LoadCached(path, cachePath string) (*Lock, *hcl.File, hcl.Diagnostics) {
	src, err := readLimited(path)
	if errors.Is(err, os.ErrNotExist) {
		return New(), nil, nil
	}
	if err != nil {
		return Load(path)
	}
	sum := sha256.Sum256(src)
	key := hex.EncodeToString(sum[:])
	if l, ok := readCache(cachePath, key); ok {
		return l, nil, nil
	}
	l, f, diags := Parse(src, filepath.Base(path))
	if !diags.HasErrors() {
		writeCache(cachePath, key, l)
	}
	return l, f, diags
}

func readCache(path, key string) (*Lock, bool) {
	st, err := os.Lstat(path)
	if err != nil || !st.Mode().IsRegular() || st.Size() > 4*MaxSize {
		return nil, false
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	var c cached
	if json.Unmarshal(b, &c) != nil || c.Sum != key {
		return nil, false
	}
	l := New()
	if c.Pin != nil {
		if len(checkPin(*c.Pin)) > 0 {
			return nil, false
		}
		l.SetPin(*c.Pin)
	}
	if c.Builder != nil {
		if len(checkBuilder(*c.Builder)) > 0 {
			return nil, false
		}
		l.SetBuilder(*c.Builder)
	}
	for n, e := range c.Variants {
		if len(checkEntry(n, e)) > 0 {
			return nil, false
		}
		l.SetVariant(n, e)
	}
	return l, true
}

func writeCache(path, key string, l *Lock) {
	b, err := json.Marshal(cached{Sum: key, Pin: l.pin, Builder: l.builder, Variants: l.variants})
	if err != nil || os.MkdirAll(filepath.Dir(path), 0o755) != nil {
		return
	}
	_ = atomicfile.Write(path, b, 0o644)
}
