package apply

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/isoforge/isoforge/engine/pin"
	"github.com/isoforge/isoforge/engine/plan"
	"github.com/isoforge/isoforge/engine/render"
	"github.com/isoforge/isoforge/runtimes"
)

// inputsTar is the copy-in of a builder without the host's filesystem:
// the configuration files the inputs hash covers (the bytes hashed, not
// the live directory), the rendered iso.nix and an empty artifact
// directory. Entries are sorted and carry no time or owner, so equal
// inputs give equal streams.
func inputsTar(act plan.Action, caches cacheSetup) func(w io.Writer) error {
	return func(w io.Writer) error {
		t := &tarWriter{tw: tar.NewWriter(w), dirs: map[string]bool{}}
		names := slices.Sorted(func(yield func(string) bool) {
			for n := range act.Files {
				if !yield(n) {
					return
				}
			}
		})
		for _, n := range names {
			t.file(path.Join(strings.TrimPrefix(render.SrcMount, "/"), n), act.Files[n])
		}
		work := strings.TrimPrefix(workMount, "/")
		t.file(work+"/iso.nix", act.Module.Text)
		t.dir(work + "/artifact")
		caches.addTo(t)
		if t.err != nil {
			return t.err
		}
		return t.tw.Close()
	}
}

// treeTar is the copy-in of a local nixpkgs checkout at target, leaving
// out what its pin's NAR hash leaves out (VCS directories and the like).
func treeTar(src, target string) func(w io.Writer) error {
	return func(w io.Writer) error {
		t := &tarWriter{tw: tar.NewWriter(w), dirs: map[string]bool{}}
		t.tree(src, strings.TrimPrefix(target, "/"))
		if t.err != nil {
			return t.err
		}
		return t.tw.Close()
	}
}

// tarWriter writes entries, their parent directories first, and keeps
// the first error.
type tarWriter struct {
	tw   *tar.Writer
	dirs map[string]bool
	err  error
}

func (t *tarWriter) dir(name string) {
	if t.err != nil || name == "." || t.dirs[name] {
		return
	}
	t.dir(path.Dir(name))
	t.dirs[name] = true
	t.err = t.tw.WriteHeader(&tar.Header{Name: name + "/", Typeflag: tar.TypeDir, Mode: 0o755})
}

func (t *tarWriter) file(name string, body []byte) {
	t.dir(path.Dir(name))
	if t.err != nil {
		return
	}
	if t.err = t.tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(body))}); t.err == nil {
		_, t.err = t.tw.Write(body)
	}
}

// tree adds a local directory (a nixpkgs pinned by path): directories,
// regular files and symlinks, as they are.
func (t *tarWriter) tree(src, prefix string) {
	if t.err != nil {
		return
	}
	t.err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		name := path.Join(prefix, filepath.ToSlash(rel))
		if rel != "." && pin.Excluded(d.Name()) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case d.IsDir():
			t.dir(name)
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			t.dir(path.Dir(name))
			if t.err == nil {
				t.err = t.tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeSymlink, Linkname: target, Mode: 0o777})
			}
		case d.Type().IsRegular():
			t.copyFile(p, name)
		}
		return t.err
	})
}

func (t *tarWriter) copyFile(p, name string) {
	f, err := os.Open(p)
	if err != nil {
		t.err = err
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		t.err = err
		return
	}
	t.dir(path.Dir(name))
	if t.err != nil {
		return
	}
	if t.err = t.tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: int64(st.Mode().Perm()), Size: st.Size()}); t.err == nil {
		_, t.err = io.Copy(t.tw, f)
	}
}

// receiveArtifact asks for the container's artifact directory and stages
// its single file next to dst, hashing it as it streams in: the bytes are
// written once, then renamed into place by commit.
func receiveArtifact(dst string, into *copied) *runtimes.CopyOut {
	return &runtimes.CopyOut{Path: workMount + "/artifact", Receive: func(r io.Reader) error {
		tr := tar.NewReader(r)
		for {
			h, err := tr.Next()
			if errors.Is(err, io.EOF) {
				return errors.New("the builder finished but left no artifact in " + workMount + "/artifact")
			}
			if err != nil {
				return fmt.Errorf("reading the artifact stream: %w", err)
			}
			if h.Typeflag == tar.TypeReg {
				*into, err = stageStream(tr, dst)
				return err
			}
		}
	}}
}
