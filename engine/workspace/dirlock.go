package workspace

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gofrs/flock"
	"github.com/isoforge/isoforge/engine/atomicfile"
)

// DirLock is the advisory lock that keeps one apply, lock or clean at a
// time per configuration directory.
type DirLock struct {
	fl *flock.Flock
}

// LockDir takes .isoforge/apply.lock of the configuration in dir without
// waiting, or fails saying which process holds it. The lock and its pid
// file are opened without following symlinks (CheckLinks refuses a
// symlinked .isoforge/ beforehand).
func LockDir(dir string) (*DirLock, error) {
	state := filepath.Join(dir, StateDir)
	if err := os.MkdirAll(state, 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(state, "apply.lock")
	if st, err := os.Lstat(path); err == nil && !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (a symlink?); remove it", path)
	}
	fl := flock.New(path)
	ok, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("cannot lock %s: %w", path, err)
	}
	if !ok {
		holder, _ := os.ReadFile(path + ".pid")
		return nil, fmt.Errorf("another isoforge apply or lock is running in this directory (pid %s, lock %s); wait for it to finish",
			strings.TrimSpace(string(holder)), path)
	}
	_ = atomicfile.Write(path+".pid", []byte(fmt.Sprintf("%d\n", os.Getpid())), 0o644)
	return &DirLock{fl: fl}, nil
}

// Release frees the lock.
func (l *DirLock) Release() error {
	return l.fl.Unlock()
}
