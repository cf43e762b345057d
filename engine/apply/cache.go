package apply

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/isoforge/isoforge/engine/atomicfile"
	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/spec"
)

// Paths of the cache block's files inside the builder container.
const (
	// cacheMount holds one directory per file:// substituter.
	cacheMount = "/isoforge/cache"
	// pushMount is a file:// push_to cache.
	pushMount = "/isoforge/push"
	// keyMount is the signing key.
	keyMount = "/isoforge/cache-key"
)

// CacheOptions are the cache settings of the build script, with URLs as
// the container sees them.
type CacheOptions struct {
	Substituters []string
	TrustedKeys  []string
	// PushTo is the store URL the closure is copied to, signing key
	// included; Display is the push_to the user wrote.
	PushTo, Display string
}

// cacheSetup is how one build reaches the cache block's caches. A file://
// cache is a directory on this machine: a local engine bind-mounts it; a
// remote one gets it copied in, and what it pushes is copied out and
// merged into the directory before the build counts as done.
type cacheSetup struct {
	script CacheOptions
	binds  []runtimes.Bind
	// in maps container paths to local files or directories to copy in.
	in      map[string]string
	pushDir string
}

func newCacheSetup(c *spec.Cache, local bool) (cacheSetup, error) {
	var s cacheSetup
	if c == nil {
		return s, nil
	}
	s.in = map[string]string{}
	s.script.TrustedKeys = c.TrustedPublicKeys
	for i, u := range c.Substituters {
		dir, isFile := strings.CutPrefix(u, "file://")
		if !isFile {
			s.script.Substituters = append(s.script.Substituters, u)
			continue
		}
		target := cacheMount + "/" + strconv.Itoa(i)
		s.script.Substituters = append(s.script.Substituters, "file://"+target)
		if _, err := os.Stat(dir); err != nil {
			continue // an empty cache: nothing to substitute yet
		}
		// Writable: Nix 2.8 drops a file:// store whose directory it cannot
		// create its subdirectories in ("Read-only file system").
		s.mount(local, dir, target, false)
	}
	if c.PushTo == "" {
		return s, nil
	}
	key, err := expandHome(c.SecretKeyFile)
	if err != nil {
		return s, err
	}
	if _, err := os.Stat(key); err != nil {
		return s, fmt.Errorf("cache secret_key_file: %w (create one with nix-store --generate-binary-cache-key)", err)
	}
	s.mount(local, key, keyMount, true)
	url := c.PushTo
	if dir, isFile := strings.CutPrefix(c.PushTo, "file://"); isFile {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return s, fmt.Errorf("creating the push_to cache directory: %w", err)
		}
		url = "file://" + pushMount
		if local {
			s.binds = append(s.binds, runtimes.Bind{Source: dir, Target: pushMount})
		} else {
			s.pushDir = dir
		}
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	s.script.PushTo, s.script.Display = url+sep+"secret-key="+keyMount, c.PushTo
	return s, nil
}

func (s *cacheSetup) mount(local bool, src, target string, ro bool) {
	if local {
		s.binds = append(s.binds, runtimes.Bind{Source: src, Target: target, ReadOnly: ro})
		return
	}
	s.in[target] = src
}

// addTo puts a remote build's cache files into its copy-in and asks for
// what it pushed.
func (s cacheSetup) addTo(t *tarWriter) {
	for target, src := range s.in {
		name := strings.TrimPrefix(target, "/")
		if st, err := os.Stat(src); err == nil && st.IsDir() {
			t.tree(src, name)
		} else {
			t.copyFile(src, name)
		}
	}
	if s.pushDir != "" {
		t.dir(strings.TrimPrefix(pushMount, "/"))
	}
}

// pushOut is the copy-out that merges a remote build's pushed cache
// files into the local file:// cache, or nil.
func (s cacheSetup) pushOut() *runtimes.CopyOut {
	if s.pushDir == "" {
		return nil
	}
	return &runtimes.CopyOut{Path: pushMount, Receive: func(r io.Reader) error { return mergeCache(r, s.pushDir) }}
}

// mergeCache adds the files of a pushed cache to dir. Cache files are
// named by content, so a file already there is kept; a new one is written
// beside its name and renamed, so readers never see half a NAR.
func mergeCache(r io.Reader, dir string) error {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading pushed cache files: %w", err)
		}
		// The stream is rooted at the push directory's own name.
		_, rel, _ := strings.Cut(path.Clean(h.Name), "/")
		if rel == "" || h.Typeflag != tar.TypeReg {
			continue
		}
		if err := mergeFile(root, rel, tr); err != nil {
			return fmt.Errorf("adding %s to the cache %s: %w", rel, dir, err)
		}
	}
}

func mergeFile(root *os.Root, rel string, r io.Reader) error {
	if _, err := root.Stat(rel); err == nil && rel != "nix-cache-info" {
		return nil
	}
	if d := path.Dir(rel); d != "." {
		if err := root.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	tmp := path.Join(path.Dir(rel), atomicfile.TempPrefix+path.Base(rel))
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = root.Rename(tmp, rel)
	}
	if err != nil {
		root.Remove(tmp)
	}
	return err
}

func expandHome(p string) (string, error) {
	rest, ok := strings.CutPrefix(p, "~/")
	if !ok {
		return p, nil
	}
	home := os.Getenv("HOME")
	if home == "" {
		return "", fmt.Errorf("%s starts with ~/ but HOME is unset", p)
	}
	return filepath.Join(home, rest), nil
}
