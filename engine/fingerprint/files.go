package fingerprint

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// MaxInputBytes bounds one input file: inputs are read whole to be
// hashed, and an input this large belongs in the Nix store, not in the
// configuration directory.
const MaxInputBytes = 64 << 20

// ReadInputs reads a variant's input files (spec.Variant.Inputs: slash
// paths relative to dir, found in the Nix syntax tree) through an
// os.Root, so neither ".." nor a symlink leaves the configuration
// directory, and only regular files are read: a FIFO or device cannot
// hang a plan. A file that vanished since the configuration was loaded is
// an error: a plan must not hash less than the build will read.
func ReadInputs(dir string, files []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(files))
	if len(files) == 0 {
		return out, nil
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	for _, p := range files {
		b, err := readInput(root, p)
		if err != nil {
			return nil, fmt.Errorf("reading input %s: %w", p, err)
		}
		out[p] = b
	}
	return out, nil
}

func readInput(root *os.Root, p string) ([]byte, error) {
	f, err := root.OpenFile(filepath.FromSlash(p), os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file (%s); isoforge hashes only regular files", st.Mode().Type())
	}
	if st.Size() > MaxInputBytes {
		return nil, fmt.Errorf("%d bytes, more than the %d isoforge hashes in one input file", st.Size(), MaxInputBytes)
	}
	return io.ReadAll(io.LimitReader(f, MaxInputBytes+1))
}
