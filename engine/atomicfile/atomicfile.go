// Package atomicfile replaces files so that readers see either the old or
// the new content, never a mix, even after a crash (after terraform's
// internal/replacefile).
package atomicfile

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// TempPrefix starts the names of temporary files, so leftovers of a killed
// process can be recognised and removed.
const TempPrefix = ".isoforge-tmp-"

// Write writes data to a temporary file in path's directory, syncs it and
// renames it over path. The temporary file is removed on any failure. The
// file gets perm less the process umask, as with os.WriteFile.
func Write(path string, data []byte, perm os.FileMode) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, TempPrefix+filepath.Base(path)+"-*")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err = f.Chmod(perm &^ Umask()); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("cannot sync %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("cannot replace %s: %w", path, err)
	}
	return syncDir(dir)
}

// syncDir makes the rename itself durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	_ = d.Sync() // not supported on every file system; the rename is done
	return nil
}

// WriteIfChanged is Write, skipped when path already holds data: an
// unchanged output costs no fsync and keeps its modification time.
func WriteIfChanged(path string, data []byte, perm os.FileMode) error {
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return Write(path, data, perm)
}
