package apply

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/isoforge/isoforge/engine/atomicfile"
	"github.com/isoforge/isoforge/engine/ctxio"
	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/engine/workspace"
)

// The builder reads the live configuration directory through its mount,
// long after the plan hashed it: an edit or a `git checkout` during a
// build would ship content nobody reviewed while the lock records the
// reviewed hash, and a writable mount below the configuration could be
// changed by the build itself. Until builds copy in the hashed bytes, the
// apply hashes the mounted tree when it starts and again after each
// build, and fails the build when they differ.

// snapshotSkips are left out of the snapshot because the apply itself
// writes them while builds run: the state directory, the lock (a finished
// build records itself) and temporary files; .git changes under tools
// that run in the background and is not build input.
func snapshotSkip(rel string, outDir string) bool {
	base := filepath.Base(rel)
	return rel == workspace.StateDir || rel == outDir || rel == ".git" || rel == lockfile.FileName ||
		strings.HasPrefix(base, atomicfile.TempPrefix)
}

// snapshotConfig hashes the configuration tree: every path, its type, the
// content of regular files and the target of symlinks, which are not
// followed. FIFOs and devices are hashed by type only, never opened.
func snapshotConfig(ctx context.Context, dir, outDir string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel != "." && snapshotSkip(rel, outDir) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		fmt.Fprintf(h, "%s\x00%s\x00", rel, d.Type())
		return hashEntry(ctx, h, p, d)
	})
	if err != nil {
		return "", fmt.Errorf("hashing the configuration directory: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func hashEntry(ctx context.Context, h io.Writer, p string, d fs.DirEntry) error {
	switch {
	case d.Type()&fs.ModeSymlink != 0:
		target, err := os.Readlink(p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s\x00", target)
	case d.Type().IsRegular():
		f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		n, err := io.Copy(h, ctxio.Reader(ctx, f))
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "\x00%d\x00", n)
	}
	return nil
}

// ConfigChangedError is a configuration that changed while a build ran.
type ConfigChangedError struct{ Variant string }

func (e *ConfigChangedError) Error() string {
	return fmt.Sprintf("the configuration directory changed while %s was building, so the artifact may hold content that was not planned or reviewed; "+
		"the build is discarded: avoid editing or checking out files during an apply, then run it again", e.Variant)
}

// checkSnapshot compares the configuration tree with the snapshot taken
// when the apply started.
func (a *Applier) checkSnapshot(ctx context.Context, variant string) error {
	if a.snapshot == "" {
		return nil
	}
	now, err := snapshotConfig(ctx, a.Cfg.Dir, a.Cfg.OutputDir)
	if err != nil {
		return err
	}
	if now != a.snapshot {
		return &ConfigChangedError{Variant: variant}
	}
	return nil
}
