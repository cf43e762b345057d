package pin

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/isoforge/isoforge/engine/ctxio"
	"github.com/isoforge/isoforge/spec/lazyregexp"
	"github.com/nix-community/go-nix/pkg/nar"
)

// A local checkout is hashed without version-control and editor files, so
// `git fetch` or an open editor does not rebuild the fleet. The builder
// imports the tree with the same filter (NixFilter), so the store path it
// builds from has exactly the hash isoforge computed.
var (
	excludedNames = []string{".git", ".hg", ".svn", ".bzr", "_darcs", "CVS", ".jj", ".direnv", ".DS_Store"}
	// excludedPatterns are POSIX extended regexps, read by Go and by
	// Nix's builtins.match alike (which matches whole strings): swap
	// files, backups, Emacs lock and autosave files.
	excludedPatterns = []string{`.*\.sw[a-p]`, `.*~`, `\.#.*`, `#.*#`}
	excludedRe       = lazyregexp.New(`^(?:` + strings.Join(excludedPatterns, "|") + `)$`)
)

// excluded reports whether a file or directory of this name is left out
// of a local checkout's hash.
func excluded(name string) bool {
	for _, n := range excludedNames {
		if name == n {
			return true
		}
	}
	return excludedRe.MatchString(name)
}

// Excluded reports whether a file or directory of this name is left out
// of a local checkout's hash, and so need not be shipped to a builder.
func Excluded(name string) bool { return excluded(name) }

// NixFilter is the builtins.path filter that leaves out what excluded
// leaves out.
func NixFilter() string {
	names := make([]string, len(excludedNames))
	for i, n := range excludedNames {
		names[i] = NixString(n)
	}
	var matches []string
	for _, p := range excludedPatterns {
		matches = append(matches, "builtins.match "+NixString(p)+" b != null")
	}
	return "(p: t: let b = baseNameOf p; in !(builtins.elem b [ " + strings.Join(names, " ") + " ] || " +
		strings.Join(matches, " || ") + "))"
}

// NixString quotes s as a Nix string literal.
func NixString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, `${`, `\${`)
	return `"` + r.Replace(s) + `"`
}

// SRI renders a SHA-256 digest as Nix and flake.lock write it.
func SRI(h hash.Hash) string {
	return "sha256-" + base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// HashTree is the NAR hash of a local directory, as
// `nix hash path` prints it for the same tree without the excluded
// files. It reads through an os.Root, so no symlink inside the tree is
// followed (symlinks are hashed as links, as Nix does), and stops when
// ctx is cancelled.
func HashTree(ctx context.Context, dir string) (string, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return "", fmt.Errorf("opening nixpkgs path: %w", err)
	}
	defer root.Close()
	w, err := newNARHasher()
	if err != nil {
		return "", err
	}
	defer w.Close()
	if err := dumpDir(ctx, root, w.Writer, "."); err != nil {
		return "", fmt.Errorf("hashing nixpkgs path %s: %w", dir, err)
	}
	return w.sum()
}

// narHasher writes a NAR into SHA-256: HashTree, narHash and narStream
// all hash one. Close it when giving up: the NAR writer's goroutine
// waits for headers until then.
type narHasher struct {
	*nar.Writer
	h   hash.Hash
	buf *bufio.Writer
}

func newNARHasher() (*narHasher, error) {
	h := sha256.New()
	// NAR framing is many small writes: buffer them before the hash.
	buf := bufio.NewWriterSize(h, 1<<20)
	nw, err := nar.NewWriter(buf)
	if err != nil {
		return nil, err
	}
	return &narHasher{Writer: nw, h: h, buf: buf}, nil
}

// sum ends the NAR and returns its hash in SRI form.
func (w *narHasher) sum() (string, error) {
	if err := w.Close(); err != nil {
		return "", err
	}
	if err := w.buf.Flush(); err != nil {
		return "", err
	}
	return SRI(w.h), nil
}

// narPath is a NAR header path for a path relative to the root.
func narPath(rel string) string {
	if rel == "." {
		return "/"
	}
	return "/" + rel
}

func dumpDir(ctx context.Context, root *os.Root, nw *nar.Writer, rel string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := nw.WriteHeader(&nar.Header{Path: narPath(rel), Type: nar.TypeDirectory}); err != nil {
		return err
	}
	f, err := root.Open(rel)
	if err != nil {
		return err
	}
	entries, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		return err
	}
	// NAR orders a directory's entries by name, bytewise.
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, e := range entries {
		if excluded(e.Name()) {
			continue
		}
		if err := dumpEntry(ctx, root, nw, path.Join(rel, e.Name()), e.Type()); err != nil {
			return err
		}
	}
	return nil
}

func dumpEntry(ctx context.Context, root *os.Root, nw *nar.Writer, rel string, typ fs.FileMode) error {
	switch {
	case typ.IsDir():
		return dumpDir(ctx, root, nw, rel)
	case typ&fs.ModeSymlink != 0:
		target, err := root.Readlink(rel)
		if err != nil {
			return err
		}
		return nw.WriteHeader(&nar.Header{Path: narPath(rel), Type: nar.TypeSymlink, LinkTarget: target})
	case typ.IsRegular():
		return dumpFile(ctx, root, nw, rel)
	}
	return fmt.Errorf("%s is neither a file, a directory nor a symlink (a device or FIFO); remove it", rel)
}

func dumpFile(ctx context.Context, root *os.Root, nw *nar.Writer, rel string) error {
	f, err := root.OpenFile(rel, os.O_RDONLY|noFollow, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s changed type while being hashed", rel)
	}
	err = nw.WriteHeader(&nar.Header{Path: narPath(rel), Type: nar.TypeRegular, Size: st.Size(), Executable: st.Mode()&0o100 != 0})
	if err != nil {
		return err
	}
	n, err := io.Copy(nw, ctxio.Reader(ctx, io.LimitReader(f, st.Size())))
	if err == nil && n != st.Size() {
		err = fmt.Errorf("%s changed size while being hashed", rel)
	}
	return err
}
