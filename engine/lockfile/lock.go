// Package lockfile holds isos.lock.hcl: the nixpkgs pin and, per built
// variant, its inputs hash and artifact checksum. The model (this file)
// knows nothing of HCL; file.go reads and writes it (after terraform's
// internal/depsfile).
package lockfile

import (
	"maps"
	"sort"
)

// FileName is the lockfile next to isos.hcl, meant to be committed.
const FileName = "isos.lock.hcl"

// Pin is the resolved nixpkgs source, pinned by content: NarHash is the
// SRI NAR hash ("sha256-…") of the unpacked source tree, the hash Nix
// itself reports for it (`nix hash path`), as flake.lock and npins record.
type Pin struct {
	// Channel is set when the revision was resolved from a channel.
	Channel string
	// Rev is the pinned 40-hex nixpkgs revision (channel or rev sources).
	Rev string
	// URL is the archive of Rev the NAR hash was computed from.
	URL string
	// Path is a local checkout relative to the configuration directory
	// (slash-separated); empty for a checkout outside it, whose location
	// never enters the committed lock.
	Path string
	// NarHash is the NAR hash of the source tree; empty for a rev not
	// fetched yet (lock and apply compute it).
	NarHash string
}

// Local reports whether the pin is a local checkout.
func (p Pin) Local() bool { return p.Rev == "" }

// ID is the pin's value in fingerprints: the revision, or the content hash
// of a local checkout (never its location).
func (p Pin) ID() string {
	if p.Rev != "" {
		return "rev:" + p.Rev
	}
	return "path:" + p.NarHash
}

// Builder is the builder image the variants were built with, pinned by
// the ID its engine reported: its content, whatever tag or mirror named it.
type Builder struct {
	Image string
	ID    string
}

// Entry is one built variant.
type Entry struct {
	InputsHash string
	Format     string
	// Artifact is the artifact's slash path relative to the config dir.
	Artifact string
	SHA256   string
	Size     int64
	// Inputs maps each input name to its own hash, to explain rebuilds.
	Inputs map[string]string
}

// Lock is the whole lockfile.
type Lock struct {
	pin      *Pin
	builder  *Builder
	variants map[string]Entry
	// text caches each entry's rendered block, so saving a lock after one
	// change renders one entry, not the whole fleet (see Bytes).
	text map[string][]byte
}

// New returns an empty lock.
func New() *Lock {
	return &Lock{variants: map[string]Entry{}, text: map[string][]byte{}}
}

// Pin returns the nixpkgs pin, if any.
func (l *Lock) Pin() (Pin, bool) {
	if l.pin == nil {
		return Pin{}, false
	}
	return *l.pin, true
}

// SetPin replaces the nixpkgs pin.
func (l *Lock) SetPin(p Pin) { l.pin = &p }

// Builder returns the recorded builder image, if any.
func (l *Lock) Builder() (Builder, bool) {
	if l.builder == nil {
		return Builder{}, false
	}
	return *l.builder, true
}

// SetBuilder records the builder image.
func (l *Lock) SetBuilder(b Builder) { l.builder = &b }

// Variant returns a variant's entry.
func (l *Lock) Variant(name string) (Entry, bool) {
	e, ok := l.variants[name]
	return e, ok
}

// SetVariant records a built variant.
func (l *Lock) SetVariant(name string, e Entry) {
	e.Inputs = maps.Clone(e.Inputs)
	l.variants[name] = e
	delete(l.text, name)
}

// RemoveVariant forgets a variant.
func (l *Lock) RemoveVariant(name string) {
	delete(l.variants, name)
	delete(l.text, name)
}

// VariantNames lists the locked variants, sorted.
func (l *Lock) VariantNames() []string {
	names := make([]string, 0, len(l.variants))
	for n := range l.variants {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// DeepCopy returns an independent copy.
func (l *Lock) DeepCopy() *Lock {
	c := New()
	if l.pin != nil {
		p := *l.pin
		c.pin = &p
	}
	if l.builder != nil {
		b := *l.builder
		c.builder = &b
	}
	for n, e := range l.variants {
		c.SetVariant(n, e)
	}
	return c
}

// Equal reports whether two locks hold the same content.
func (l *Lock) Equal(o *Lock) bool {
	if (l.pin == nil) != (o.pin == nil) || (l.pin != nil && *l.pin != *o.pin) {
		return false
	}
	if (l.builder == nil) != (o.builder == nil) || (l.builder != nil && *l.builder != *o.builder) {
		return false
	}
	if len(l.variants) != len(o.variants) {
		return false
	}
	for n, e := range l.variants {
		oe, ok := o.variants[n]
		if !ok || !entryEqual(e, oe) {
			return false
		}
	}
	return true
}

func entryEqual(a, b Entry) bool {
	return a.InputsHash == b.InputsHash && a.Format == b.Format && a.Artifact == b.Artifact &&
		a.SHA256 == b.SHA256 && a.Size == b.Size && maps.Equal(a.Inputs, b.Inputs)
}
