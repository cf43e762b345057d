package apply

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/isoforge/isoforge/engine/atomicfile"
	"github.com/isoforge/isoforge/engine/fingerprint"
	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/spec"
)

// ManifestFormatVersion is manifest.json's format_version
// (docs/manifest.schema.json): 1.x only adds fields.
const ManifestFormatVersion = "1.0"

// Manifest is manifest.json in the output directory.
type Manifest struct {
	FormatVersion string            `json:"format_version"`
	Nixpkgs       ManifestPin       `json:"nixpkgs"`
	Variants      []ManifestVariant `json:"variants"`
	// Orphans are artifacts isoforge wrote for variants no longer in the
	// configuration, kept until apply -prune deletes them. They stay
	// here after their lock entries are gone, so -prune still knows them.
	Orphans []ManifestOrphan `json:"orphans,omitempty"`
}

// ManifestPin is the nixpkgs the artifacts were built from.
type ManifestPin struct {
	Channel string `json:"channel,omitempty"`
	Rev     string `json:"rev,omitempty"`
	URL     string `json:"url,omitempty"`
	Path    string `json:"path,omitempty"`
	NarHash string `json:"nar_hash,omitempty"`
}

// ManifestOrphan is a kept artifact of a removed variant.
type ManifestOrphan struct {
	Name   string `json:"name"`
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// ManifestVariant describes one artifact.
type ManifestVariant struct {
	Name string `json:"name"`
	// Format is the canonical format name, never an alias as written.
	Format string `json:"format"`
	// Attribute is the nixpkgs attribute nix-build built, such as
	// config.system.build.images.qemu-efi.
	Attribute  string `json:"attribute,omitempty"`
	File       string `json:"file"`
	SHA256     string `json:"sha256"`
	Size       int64  `json:"size"`
	InputsHash string `json:"inputs_hash"`
	// Nixpkgs is the pin it was built from: "rev:<rev>" or "path:<hash>".
	Nixpkgs   string  `json:"nixpkgs"`
	Engine    string  `json:"engine,omitempty"`
	BuildSecs float64 `json:"build_seconds,omitempty"`
	// TestedAt and TestResult are the last isoforge test of this very
	// artifact (RFC 3339, "passed" or "failed"); a rebuild clears them.
	TestedAt   string `json:"tested_at,omitempty"`
	TestResult string `json:"test_result,omitempty"`
}

// writeOutputs rewrites SHA256SUMS and manifest.json from the lock and
// the artifacts present. Build details of variants not built in this run
// are carried over from the previous manifest, and so are the kept
// artifacts of removed variants (pruned lists the files -prune deleted).
func writeOutputs(cfg *spec.Config, lock *lockfile.Lock, pin lockfile.Pin, results []Result, engine string, pruned map[string]bool) error {
	outDir := filepath.Join(cfg.Dir, filepath.FromSlash(cfg.OutputDir))
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	prevM := readManifest(filepath.Join(outDir, "manifest.json"))
	prev := map[string]ManifestVariant{}
	for _, v := range prevM.Variants {
		prev[v.Name] = v
	}
	built := map[string]Result{}
	for _, r := range results {
		if r.Built {
			built[r.Variant] = r
		}
	}
	m := Manifest{FormatVersion: ManifestFormatVersion, Nixpkgs: ManifestPin(pin), Variants: []ManifestVariant{}}
	var sums strings.Builder
	for _, name := range lock.VariantNames() {
		e, _ := lock.Variant(name)
		dir, file := path.Split(e.Artifact)
		if path.Clean(dir) != cfg.OutputDir {
			continue
		}
		if _, err := os.Stat(filepath.Join(outDir, file)); err != nil {
			continue
		}
		mv := ManifestVariant{Name: name, Format: e.Format, File: file, SHA256: e.SHA256, Size: e.Size, InputsHash: e.InputsHash, Nixpkgs: builtWith(e, pin)}
		if f, ok := spec.LookupFormat(e.Format); ok {
			mv.Format, mv.Attribute = f.Name, f.Attribute
		}
		if r, ok := built[name]; ok {
			mv.Engine, mv.BuildSecs = engine, r.Duration.Seconds()
		} else if old, ok := prev[name]; ok && old.InputsHash == e.InputsHash {
			mv.Engine, mv.BuildSecs = old.Engine, old.BuildSecs
			mv.TestedAt, mv.TestResult = old.TestedAt, old.TestResult
		}
		m.Variants = append(m.Variants, mv)
		fmt.Fprintf(&sums, "%s  %s\n", e.SHA256, file)
	}
	m.Orphans = orphans(cfg, lock, prevM, outDir, pruned)
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.WriteIfChanged(filepath.Join(outDir, "SHA256SUMS"), []byte(sums.String()), 0o644); err != nil {
		return err
	}
	return atomicfile.WriteIfChanged(filepath.Join(outDir, "manifest.json"), append(b, '\n'), 0o644)
}

// builtWith names the pin an entry was built from: the current one when
// its recorded input matches, else it is not known here (e.g. a variant
// left out of the last apply by -target).
func builtWith(e lockfile.Entry, pin lockfile.Pin) string {
	if e.Inputs["meta/nixpkgs"] == fingerprint.InputHash([]byte(pin.ID())) {
		return pin.ID()
	}
	return "unknown: built before the current pin"
}

// orphans are the previous manifest's artifacts of variants that are
// neither configured nor locked, whose files are still there.
func orphans(cfg *spec.Config, lock *lockfile.Lock, prev Manifest, outDir string, pruned map[string]bool) []ManifestOrphan {
	var out []ManifestOrphan
	seen := map[string]bool{}
	configured := map[string]bool{}
	for _, n := range cfg.VariantNames() {
		configured[n] = true
	}
	add := func(o ManifestOrphan) {
		_, locked := lock.Variant(o.Name)
		if configured[o.Name] || locked || pruned[o.File] || seen[o.File] || !plainFileName(o.File) {
			return
		}
		if st, err := os.Lstat(filepath.Join(outDir, o.File)); err != nil || !st.Mode().IsRegular() {
			return
		}
		seen[o.File] = true
		out = append(out, o)
	}
	for _, v := range prev.Variants {
		add(ManifestOrphan{Name: v.Name, File: v.File, SHA256: v.SHA256, Size: v.Size})
	}
	for _, o := range prev.Orphans {
		add(o)
	}
	return out
}

// readManifest reads the previous manifest.json; a missing or broken one
// is empty (it is rewritten from the lock).
func readManifest(p string) Manifest {
	var m Manifest
	st, err := os.Lstat(p)
	if err != nil || !st.Mode().IsRegular() || st.Size() > 256<<20 {
		return m
	}
	b, err := os.ReadFile(p)
	if err != nil || json.Unmarshal(b, &m) != nil {
		return Manifest{}
	}
	return m
}
