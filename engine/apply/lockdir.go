package apply

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gofrs/flock"
)

// DirLock is the advisory lock that keeps one apply (or clean) at a time
// per configuration directory.
type DirLock struct {
	fl *flock.Flock
}

// AcquireDirLock takes .isoforge/apply.lock without waiting, or fails
// saying which process holds it.
func AcquireDirLock(stateDir string) (*DirLock, error) {
	if err := os.MkdirAll(stateDir, 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(stateDir, "apply.lock")
	fl := flock.New(path)
	ok, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("cannot lock %s: %w", path, err)
	}
	if !ok {
		holder, _ := os.ReadFile(path + ".pid")
		return nil, fmt.Errorf("another isoforge apply is running in this directory (pid %s, lock %s); wait for it to finish",
			strings.TrimSpace(string(holder)), path)
	}
	_ = os.WriteFile(path+".pid", []byte(fmt.Sprintf("%d\n", os.Getpid())), 0o644)
	return &DirLock{fl: fl}, nil
}

// Release frees the lock.
func (l *DirLock) Release() error {
	return l.fl.Unlock()
}
