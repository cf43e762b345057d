package apply

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"syscall"

	"github.com/isoforge/isoforge/engine/ctxio"
	"github.com/isoforge/isoforge/engine/plan"
	"github.com/isoforge/isoforge/spec"
)

// plainFileName accepts a file name directly in the output directory
// that is not one of isoforge's own outputs.
func plainFileName(name string) bool {
	return spec.ValidFileName(name) && !slices.Contains(spec.ReservedFileNames, name)
}

// prune deletes the artifacts of variants no longer configured: those of
// this run's removals and those manifest.json still attributes to removed
// variants (their lock entries may be gone since an earlier plain
// apply). A file is deleted only when it is a regular file directly in
// the output directory whose SHA-256 is the one isoforge recorded for
// it: never a file isoforge did not write, never outside the output
// directory (every access goes through an os.Root, so no symlink is
// followed). It returns the deleted file names.
func (a *Applier) prune(ctx context.Context, removed []plan.Action) (map[string]bool, error) {
	outDir := filepath.Join(a.Cfg.Dir, filepath.FromSlash(a.Cfg.OutputDir))
	root, err := os.OpenRoot(outDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pruning %s: %w", a.Cfg.OutputDir, err)
	}
	defer root.Close()
	pruned := map[string]bool{}
	for file, sum := range a.pruneCandidates(removed, outDir) {
		ok, err := recordedFile(ctx, root, file, sum)
		if err != nil {
			return pruned, err
		}
		if !ok {
			continue
		}
		if err := root.Remove(file); err != nil && !errors.Is(err, os.ErrNotExist) {
			return pruned, fmt.Errorf("pruning %s: %w", path.Join(a.Cfg.OutputDir, file), err)
		}
		pruned[file] = true
	}
	return pruned, nil
}

// pruneCandidates maps file names in the output directory to the SHA-256
// isoforge recorded for them.
func (a *Applier) pruneCandidates(removed []plan.Action, outDir string) map[string]string {
	out := map[string]string{}
	configured := a.Cfg.VariantNames()
	isConfigured := make(map[string]bool, len(configured))
	for _, n := range configured {
		isConfigured[n] = true
	}
	for _, act := range removed {
		dir, file := path.Split(act.Artifact)
		if act.Locked != nil && path.Clean(dir) == a.Cfg.OutputDir && plainFileName(file) {
			out[file] = act.Locked.SHA256
		}
	}
	m := readManifest(filepath.Join(outDir, "manifest.json"))
	for _, v := range m.Variants {
		if !isConfigured[v.Name] && plainFileName(v.File) {
			out[v.File] = v.SHA256
		}
	}
	for _, o := range m.Orphans {
		if !isConfigured[o.Name] && plainFileName(o.File) {
			out[o.File] = o.SHA256
		}
	}
	return out
}

// recordedFile reports whether name is a regular file with the given
// SHA-256, reading it without following a symlink and stopping when ctx
// is cancelled (a FIFO or device is never read).
func recordedFile(ctx context.Context, root *os.Root, name, sum string) (bool, error) {
	f, err := root.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return false, nil
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return false, nil
	}
	h := sha256.New()
	if _, err := io.Copy(h, ctxio.Reader(ctx, f)); err != nil {
		return false, err
	}
	return hex.EncodeToString(h.Sum(nil)) == sum, nil
}
