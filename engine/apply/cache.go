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
// cache is a directory on this machine; no engine, local or remote, ever
// mounts it: its cache files (nix-cache-info, *.narinfo, nar/*) are
// copied in, and what the build pushed is copied out and merged into it
// (new files only) before the build counts as done. A build, whose Nix
// code comes from the repository, can thus neither rewrite the NARs
// already there nor read anything else of this machine.
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
		exists, err := isCacheDir(dir)
		if err != nil {
			return s, err
		}
		if exists {
			s.in[target] = dir
		}
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
	if local {
		s.binds = append(s.binds, runtimes.Bind{Source: key, Target: keyMount, ReadOnly: true})
	} else {
		s.in[keyMount] = key
	}
	url := c.PushTo
	if dir, isFile := strings.CutPrefix(c.PushTo, "file://"); isFile {
		if _, err := isCacheDir(dir); err != nil {
			return s, err
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return s, fmt.Errorf("creating the push_to cache directory: %w", err)
		}
		url, s.pushDir = "file://"+pushMount, dir
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	s.script.PushTo, s.script.Display = url+sep+"secret-key="+keyMount, c.PushTo
	return s, nil
}

// isCacheDir reports whether a file:// cache directory exists; one that
// exists must be a Nix binary cache (hold nix-cache-info), so a
// configuration cannot have isoforge ship or write any other directory.
func isCacheDir(dir string) (bool, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading the file:// cache %s: %w", dir, err)
	}
	if len(entries) == 0 {
		return false, nil
	}
	if st, err := os.Lstat(filepath.Join(dir, "nix-cache-info")); err != nil || !st.Mode().IsRegular() {
		return false, fmt.Errorf("file://%s is not a Nix binary cache (it has no nix-cache-info): name an empty or new directory, or an existing cache", dir)
	}
	return true, nil
}

// tar is the copy-in of a local build's cache files, or nil when it has
// none (a remote build's go with its inputs, in inputsTar).
func (s cacheSetup) tar() func(w io.Writer) error {
	if len(s.in) == 0 && s.pushDir == "" {
		return nil
	}
	return func(w io.Writer) error {
		t := &tarWriter{tw: tar.NewWriter(w), dirs: map[string]bool{}}
		s.addTo(t)
		if t.err != nil {
			return t.err
		}
		return t.tw.Close()
	}
}

// addTo puts the build's cache files and signing key into its copy-in.
func (s cacheSetup) addTo(t *tarWriter) {
	for target, src := range s.in {
		name := strings.TrimPrefix(target, "/")
		if target == keyMount {
			t.copyFile(src, name)
		} else {
			t.cacheFiles(src, name)
		}
	}
	if s.pushDir != "" {
		t.dir(strings.TrimPrefix(pushMount, "/"))
	}
}

// cacheFiles adds the regular files of a binary cache's layout: its
// nix-cache-info, *.narinfo and nar/*. Nothing else of the directory
// (and no symlink) is read.
func (t *tarWriter) cacheFiles(dir, prefix string) {
	t.dir(prefix)
	for _, sub := range []string{".", "nar"} {
		if st, err := os.Lstat(filepath.Join(dir, sub)); err != nil || !st.IsDir() {
			continue
		}
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			continue
		}
		for _, e := range entries {
			n := e.Name()
			top := sub == "." && (n == "nix-cache-info" || strings.HasSuffix(n, ".narinfo"))
			if e.Type().IsRegular() && (top || sub == "nar") && !strings.HasPrefix(n, atomicfile.TempPrefix) {
				t.copyFile(filepath.Join(dir, sub, n), path.Join(prefix, sub, n))
			}
		}
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

// mergeCache adds the files of a pushed cache to dir, through an os.Root
// of dir (no name may leave it). Cache files are named by content, so a
// file already there is kept; a new one is written
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
		top, rel, _ := strings.Cut(path.Clean(h.Name), "/")
		if top != path.Base(pushMount) || h.Typeflag != tar.TypeReg || !cacheLayout(rel) {
			continue
		}
		if err := mergeFile(root, rel, tr); err != nil {
			return fmt.Errorf("adding %s to the cache %s: %w", rel, dir, err)
		}
	}
}

// cacheLayout reports whether rel is a file of a Nix binary cache:
// nix-cache-info, NAME.narinfo, or one level under nar/, realisations/
// or log/. A push is merged only as far as it is a cache.
func cacheLayout(rel string) bool {
	dir, name, nested := strings.Cut(rel, "/")
	if !nested {
		return rel == "nix-cache-info" || strings.HasSuffix(rel, ".narinfo")
	}
	switch dir {
	case "nar", "realisations", "log":
		return name != "" && !strings.Contains(name, "/") && !strings.HasPrefix(name, ".")
	}
	return false
}

func mergeFile(root *os.Root, rel string, r io.Reader) error {
	if _, err := root.Lstat(rel); err == nil {
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
