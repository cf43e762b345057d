package pin

import (
	"archive/tar"
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"sort"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/nix-community/go-nix/pkg/nar"
)

// MaxArchive bounds a nixpkgs archive download and its unpacked size
// (nixpkgs is ~40 MB packed, ~200 MB unpacked).
const MaxArchive = 1 << 30

// Progress is told how many bytes of how many (-1 when unknown) have
// been downloaded.
type Progress func(done, total int64)

// HashArchive downloads the archive at url and returns the NAR hash of
// the tree Nix unpacks from it (builtins.fetchTarball: the single
// top-level directory's content), computed in memory without Nix.
func (r *Resolver) HashArchive(ctx context.Context, url string, progress Progress) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := r.client().Do(req)
	if err != nil {
		return "", fmt.Errorf("downloading nixpkgs %s: %w (offline? retry, or pin a local checkout with nixpkgs { path = \"...\" })", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("downloading nixpkgs %s: %s (is the revision right?)", url, resp.Status)
	}
	body := &countingReader{r: io.LimitReader(resp.Body, MaxArchive), total: resp.ContentLength, progress: progress}
	tree, stream, err := unpack(ctx, body)
	if err != nil {
		return "", fmt.Errorf("unpacking nixpkgs %s: %w", url, err)
	}
	if sum, ok := stream.sum(); ok {
		return sum, nil
	}
	return narHash(tree)
}

type countingReader struct {
	r        io.Reader
	done     int64
	total    int64
	progress Progress
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.done += int64(n)
	if c.progress != nil && n > 0 {
		c.progress(c.done, c.total)
	}
	return n, err
}

// node is one file, directory or symlink of an unpacked archive.
type node struct {
	typ      nar.NodeType
	exec     bool
	data     []byte
	target   string
	children map[string]*node
}

func dirNode() *node { return &node{typ: nar.TypeDirectory, children: map[string]*node{}} }

// unpack reads a gzipped tarball into memory and returns its single
// top-level directory, as Nix's fetchTarball does, and the NAR of it
// hashed along the way.
func unpack(ctx context.Context, r io.Reader) (*node, *narStream, error) {
	// klauspost's inflate is about twice as fast as compress/gzip's, and
	// decompression is most of the time of hashing nixpkgs.
	gz, err := gzip.NewReader(bufio.NewReaderSize(r, 1<<20))
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	top := dirNode()
	stream := newNARStream()
	done := false
	defer func() {
		if !done {
			stream.fail()
		}
	}()
	tr := tar.NewReader(newReadAhead(ctx, gz))
	var size int64
	for {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, err
		}
		if size += h.Size; size > MaxArchive {
			return nil, nil, fmt.Errorf("more than %d MiB unpacked", MaxArchive>>20)
		}
		name, err := add(top, h, tr)
		if err != nil {
			return nil, nil, err
		}
		if name != "" {
			stream.add(top, name, h.Typeflag == tar.TypeDir)
		}
	}
	if len(top.children) != 1 {
		return nil, nil, fmt.Errorf("the archive has %d top-level entries, not one directory", len(top.children))
	}
	for _, n := range top.children {
		if n.typ != nar.TypeDirectory {
			return nil, nil, fmt.Errorf("the archive's top-level entry is not a directory")
		}
		done = true
		return n, stream, nil
	}
	return nil, nil, nil
}

// add places one tar entry in the tree and returns its cleaned path
// ("" for a pax header, which is no entry).
func add(top *node, h *tar.Header, r io.Reader) (string, error) {
	if h.Typeflag == tar.TypeXGlobalHeader || h.Typeflag == tar.TypeXHeader {
		return "", nil // GitHub's pax comment holding the commit id
	}
	name := path.Clean(strings.TrimPrefix(h.Name, "./"))
	if name == "." || name == ".." || strings.HasPrefix(name, "../") || path.IsAbs(name) {
		return "", fmt.Errorf("entry %q leaves the archive", h.Name)
	}
	parent, base, err := parentOf(top, name)
	if err != nil {
		return "", err
	}
	switch h.Typeflag {
	case tar.TypeDir:
		if old, ok := parent.children[base]; !ok || old.typ != nar.TypeDirectory {
			parent.children[base] = dirNode()
		}
	case tar.TypeReg:
		data := make([]byte, h.Size)
		if _, err := io.ReadFull(r, data); err != nil {
			return "", err
		}
		parent.children[base] = &node{typ: nar.TypeRegular, exec: h.Mode&0o100 != 0, data: data}
	case tar.TypeSymlink:
		parent.children[base] = &node{typ: nar.TypeSymlink, target: h.Linkname}
	case tar.TypeLink:
		return name, addHardlink(top, parent, base, h.Linkname)
	default:
		return "", fmt.Errorf("entry %q has unsupported type %q", h.Name, h.Typeflag)
	}
	return name, nil
}

func addHardlink(top, parent *node, base, link string) error {
	lp, lb, err := parentOf(top, path.Clean(link))
	if err != nil {
		return err
	}
	src, ok := lp.children[lb]
	if !ok || src.typ != nar.TypeRegular {
		return fmt.Errorf("hard link to %q, which is not a file before it", link)
	}
	cp := *src
	parent.children[base] = &cp
	return nil
}

// parentOf returns the directory holding name, creating missing parents.
func parentOf(top *node, name string) (*node, string, error) {
	dir, base := path.Split(name)
	cur := top
	for _, seg := range strings.Split(strings.TrimSuffix(dir, "/"), "/") {
		if seg == "" {
			continue
		}
		next, ok := cur.children[seg]
		if !ok {
			next = dirNode()
			cur.children[seg] = next
		}
		if next.typ != nar.TypeDirectory {
			return nil, "", fmt.Errorf("%q is inside a non-directory", name)
		}
		cur = next
	}
	return cur, base, nil
}

// narHash serialises a tree as a NAR and hashes it.
func narHash(n *node) (string, error) {
	w, err := newNARHasher()
	if err != nil {
		return "", err
	}
	defer w.Close()
	if err := writeNode(w.Writer, "/", n); err != nil {
		return "", err
	}
	return w.sum()
}

// writeNode writes n and, for a directory, its children in NAR order.
func writeNode(nw *nar.Writer, p string, n *node) error {
	if err := writeEntry(nw, p, n); err != nil || n.typ != nar.TypeDirectory {
		return err
	}
	names := make([]string, 0, len(n.children))
	for name := range n.children {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := writeNode(nw, path.Join(p, name), n.children[name]); err != nil {
			return err
		}
	}
	return nil
}

// writeEntry writes n's header and a file's contents; a directory's
// children are entries of their own.
func writeEntry(nw *nar.Writer, p string, n *node) error {
	hdr := &nar.Header{Path: p, Type: n.typ}
	switch n.typ {
	case nar.TypeSymlink:
		hdr.LinkTarget = n.target
	case nar.TypeRegular:
		hdr.Size, hdr.Executable = int64(len(n.data)), n.exec
	}
	if err := nw.WriteHeader(hdr); err != nil || n.typ != nar.TypeRegular {
		return err
	}
	_, err := nw.Write(n.data)
	return err
}
