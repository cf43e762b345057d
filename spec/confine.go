package spec

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
)

// ErrOutsideConfig is wrapped by errors for paths that leave the
// configuration directory, directly, through "..", or through a symlink.
var ErrOutsideConfig = errors.New("path outside the configuration directory")

// ReadConfined reads a regular file named by an untrusted path relative
// to the configuration directory, through an os.Root so that neither ".."
// nor a symlink can leave it, and refuses files larger than limit. Its
// errors never hold the file's content. The engine reads a variant's
// input files with it too.
func ReadConfined(dir, name string, limit int64) ([]byte, error) {
	f, err := openConfined(dir, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readRegular(f, name, limit)
}

// readRegular reads an open file that must be a regular file of at most
// limit bytes.
func readRegular(f *os.File, name string, limit int64) ([]byte, error) {
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%q is not a regular file (it is a %s); isoforge only reads regular files", name, kindOf(st.Mode()))
	}
	return readLimited(f, name, limit)
}

// statConfined reports whether name is a regular file inside dir; a path
// leaving dir is an error, so that probing for files elsewhere fails.
func statConfined(dir, name string) (bool, error) {
	f, err := openConfined(dir, name)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	st, err := f.Stat()
	return err == nil && st.Mode().IsRegular(), nil
}

func openConfined(dir, name string) (*os.File, error) {
	if name == "" {
		return nil, fmt.Errorf("empty path")
	}
	if filepath.IsAbs(name) {
		return nil, fmt.Errorf("%q: %w: paths are relative to the directory of isos.hcl, and absolute paths are refused", name, ErrOutsideConfig)
	}
	if escapes(path.Clean(filepath.ToSlash(name))) {
		return nil, fmt.Errorf("%q: %w: it leaves the directory of isos.hcl; move the file inside it", name, ErrOutsideConfig)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot open the configuration directory: %w", err)
	}
	defer root.Close()
	// Opening a FIFO for reading blocks until a writer comes; O_NONBLOCK
	// makes it return at once, and the regular-file check refuses it.
	f, err := root.OpenFile(filepath.FromSlash(name), os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err == nil {
		return f, nil
	}
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("cannot read %q (paths are relative to the directory of isos.hcl): %w", name, os.ErrNotExist)
	}
	if strings.Contains(err.Error(), "escapes") {
		return nil, fmt.Errorf("%q: %w: it leaves the directory of isos.hcl (through \"..\" or a symlink); move the file inside it", name, ErrOutsideConfig)
	}
	return nil, fmt.Errorf("cannot read %q: %w", name, err)
}

// readLimited reads at most limit bytes, and fails on more without
// holding them: /dev/zero or a huge file cannot exhaust memory.
func readLimited(r io.Reader, name string, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %q: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%q is larger than %d bytes, the most isoforge reads from one file", name, limit)
	}
	return b, nil
}

// readBoundedFile reads a file named by the user on the command line
// (-var-file): anywhere, but bounded in size.
func readBoundedFile(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLimited(f, path, limit)
}

func kindOf(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&os.ModeNamedPipe != 0:
		return "named pipe"
	case m&os.ModeDevice != 0:
		return "device"
	case m&os.ModeSocket != 0:
		return "socket"
	case m&os.ModeSymlink != 0:
		return "symlink"
	default:
		return "special file"
	}
}

// ReadRegularFile reads a file the user named (fmt's arguments): it must
// be a regular file of at most limit bytes. A FIFO or a device such as
// /dev/zero is refused at once instead of hanging or exhausting memory.
func ReadRegularFile(path string, limit int64) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readRegular(f, path, limit)
}
