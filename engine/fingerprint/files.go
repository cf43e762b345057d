package fingerprint

import (
	"fmt"

	"github.com/isoforge/isoforge/spec"
)

// MaxInputBytes bounds one input file: inputs are read whole to be
// hashed, and an input this large belongs in the Nix store, not in the
// configuration directory.
const MaxInputBytes = 64 << 20

// ReadInputs reads a variant's input files (spec.Variant.Inputs: slash
// paths relative to dir, found in the Nix syntax tree) with the spec's
// confinement: through an os.Root, so neither ".." nor a symlink leaves
// the configuration directory, and only regular files, so a FIFO or a
// device cannot hang a plan. A file that vanished since the configuration
// was loaded is an error: a plan must not hash less than the build reads.
func ReadInputs(dir string, files []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(files))
	for _, p := range files {
		b, err := spec.ReadConfined(dir, p, MaxInputBytes)
		if err != nil {
			return nil, fmt.Errorf("reading input %s: %w", p, err)
		}
		out[p] = b
	}
	return out, nil
}
