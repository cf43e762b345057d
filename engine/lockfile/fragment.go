package lockfile

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/isoforge/isoforge/engine/atomicfile"
)

// FragmentVersion is the format_version of lock fragments.
const FragmentVersion = 1

// Fragment is what one CI job's `apply -target V -lock-out F` built: the
// pin it built with and the lock entries of its variants. `lock merge`
// folds fragments into isos.lock.hcl.
type Fragment struct {
	Pin Pin
	// Builder is the builder image and the ID the job's inputs hashes
	// were computed with; empty when the job knew no ID.
	Builder  Builder
	Variants map[string]Entry
}

type fragmentJSON struct {
	FormatVersion int                  `json:"format_version"`
	Nixpkgs       pinJSON              `json:"nixpkgs"`
	Builder       builderJSON          `json:"builder"`
	Variants      map[string]entryJSON `json:"variants"`
}

type builderJSON struct {
	Image string `json:"image,omitempty"`
	ID    string `json:"id,omitempty"`
}

type pinJSON struct {
	Channel string `json:"channel,omitempty"`
	Rev     string `json:"rev,omitempty"`
	URL     string `json:"url,omitempty"`
	Path    string `json:"path,omitempty"`
	NarHash string `json:"nar_hash,omitempty"`
}

type entryJSON struct {
	InputsHash string            `json:"inputs_hash"`
	Format     string            `json:"format"`
	Artifact   string            `json:"artifact"`
	SHA256     string            `json:"sha256"`
	Size       int64             `json:"size"`
	Inputs     map[string]string `json:"inputs"`
}

// WriteFragment writes f to path atomically.
func WriteFragment(path string, f Fragment) error {
	doc := fragmentJSON{FormatVersion: FragmentVersion, Nixpkgs: pinJSON(f.Pin), Builder: builderJSON(f.Builder), Variants: map[string]entryJSON{}}
	for n, e := range f.Variants {
		doc.Variants[n] = entryJSON(e)
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append(b, '\n'), 0o644)
}

// ReadFragment reads a fragment written by WriteFragment.
func ReadFragment(path string) (Fragment, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Fragment{}, err
	}
	var doc fragmentJSON
	if err := json.Unmarshal(b, &doc); err != nil {
		return Fragment{}, fmt.Errorf("%s is not a lock fragment: %w", path, err)
	}
	if doc.FormatVersion != FragmentVersion {
		return Fragment{}, fmt.Errorf("%s: lock fragment format_version %d, this isoforge reads %d", path, doc.FormatVersion, FragmentVersion)
	}
	f := Fragment{Pin: Pin(doc.Nixpkgs), Builder: Builder(doc.Builder), Variants: map[string]Entry{}}
	for n, e := range doc.Variants {
		f.Variants[n] = Entry(e)
	}
	return f, nil
}

// NamedFragment is a fragment and the file it came from, for messages.
type NamedFragment struct {
	Name string
	Fragment
}

// MergeFragments returns base with every fragment's entries set (and the
// fragments' builder image). It refuses a fragment built with another
// nixpkgs pin than base's, fragments built with different builder image
// IDs, and two fragments for one variant, naming the files.
func MergeFragments(base *Lock, frags []NamedFragment) (*Lock, error) {
	pin, ok := base.Pin()
	if !ok {
		return nil, fmt.Errorf("%s pins no nixpkgs: run `isoforge lock`, commit %s, then fan out", FileName, FileName)
	}
	out := base.DeepCopy()
	from := map[string]string{}
	var errs []string
	for _, f := range frags {
		if f.Builder.ID != "" && frags[0].Builder.ID != "" && f.Builder != frags[0].Builder {
			errs = append(errs, fmt.Sprintf("%s was built with builder image %s %s, but %s with %s %s", f.Name, f.Builder.Image, f.Builder.ID, frags[0].Name, frags[0].Builder.Image, frags[0].Builder.ID))
			continue
		}
		if f.Pin != pin {
			errs = append(errs, fmt.Sprintf("%s was built with nixpkgs %s, but %s pins %s", f.Name, f.Pin.ID(), FileName, pin.ID()))
			continue
		}
		for _, n := range sortedKeys(f.Variants) {
			if first, dup := from[n]; dup {
				errs = append(errs, fmt.Sprintf("%s and %s both hold variant %s", first, f.Name, n))
				continue
			}
			from[n] = f.Name
			out.SetVariant(n, f.Variants[n])
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("refusing to merge conflicting lock fragments:\n  %s", strings.Join(errs, "\n  "))
	}
	if len(frags) > 0 && frags[0].Builder.ID != "" {
		out.SetBuilder(frags[0].Builder)
	}
	return out, nil
}

func sortedKeys(m map[string]Entry) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
