// Package fingerprint hashes everything that can change a variant's
// artifact into one "h1:" inputs hash, and keeps per-input hashes so a
// plan can name what changed.
//
// The scheme is golang.org/x/mod/sumdb/dirhash's Hash1 over a virtual
// tree: "iso.nix" (the rendered module), "src/<path>" for every file the
// module reaches in the configuration directory, and "meta/<name>" for
// format, system, builder image, nixpkgs pin and renderer version, and
// "setting/<name>" for each variant setting. Only
// relative paths and contents enter it, so the checkout location, the
// host and the HCL text layout do not.
package fingerprint

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sort"

	"golang.org/x/mod/sumdb/dirhash"
)

// Inputs are the effective inputs of one variant build.
type Inputs struct {
	Rendered []byte
	// Files maps slash paths relative to the configuration directory to
	// their contents.
	Files    map[string][]byte
	Format   string
	System   string
	Image    string
	Nixpkgs  string
	Renderer string
	// Settings are the variant's own settings, one entry each, so that a
	// plan can say "packages changed" rather than "module changed".
	Settings map[string]string
}

// entries lays the inputs out as the virtual tree that gets hashed.
func (in Inputs) entries() map[string][]byte {
	e := map[string][]byte{
		"iso.nix":       in.Rendered,
		"meta/format":   []byte(in.Format),
		"meta/system":   []byte(in.System),
		"meta/image":    []byte(in.Image),
		"meta/nixpkgs":  []byte(in.Nixpkgs),
		"meta/renderer": []byte(in.Renderer),
	}
	for k, v := range in.Settings {
		if v != "" {
			e["setting/"+k] = []byte(v)
		}
	}
	for p, b := range in.Files {
		e["src/"+p] = b
	}
	return e
}

// Result is the hash of a variant's inputs and of each input alone.
type Result struct {
	Hash   string
	Inputs map[string]string
}

// Compute hashes the inputs.
func Compute(in Inputs) (Result, error) {
	e := in.entries()
	names := make([]string, 0, len(e))
	per := make(map[string]string, len(e))
	for n, b := range e {
		names = append(names, n)
		per[n] = InputHash(b)
	}
	sort.Strings(names)
	h, err := dirhash.Hash1(names, func(name string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(e[name])), nil
	})
	if err != nil {
		return Result{}, fmt.Errorf("hashing inputs: %w", err)
	}
	return Result{Hash: h, Inputs: per}, nil
}

// InputHash is a per-input hash: 64 bits of SHA-256 are plenty to say
// which input changed, and keep the committed lockfile readable. The
// inputs hash, which decides rebuilds, uses full SHA-256.
func InputHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// Change is one input that differs between two fingerprints.
type Change struct {
	Name string
	// How is "changed", "added" or "removed".
	How string
}

// Diff lists the inputs that differ between two per-input maps, sorted
// by name.
func Diff(old, cur map[string]string) []Change {
	var out []Change
	for n, h := range cur {
		prev, ok := old[n]
		switch {
		case !ok:
			out = append(out, Change{n, "added"})
		case prev != h:
			out = append(out, Change{n, "changed"})
		}
	}
	for n := range old {
		if _, ok := cur[n]; !ok {
			out = append(out, Change{n, "removed"})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
