package views

import (
	"fmt"

	"github.com/isoforge/isoforge/engine/lockfile"
)

// The one-line results of the smaller commands, on stdout.

// Valid is validate's success line.
func (v *View) Valid(variants int) {
	fmt.Fprintf(v.Out, "Success! The configuration is valid (%s).\n", Plural(variants, "variant"))
}

// Initialised is init's success message.
func (v *View) Initialised(config, key, from string) {
	fmt.Fprintf(v.Out, "Wrote %s and %s (root's SSH key, copied from %s).\nNext: isoforge validate, then isoforge apply.\n", config, key, from)
}

// AlreadyInitialised is init's message in an initialised directory.
func (v *View) AlreadyInitialised(config string) {
	fmt.Fprintf(v.Out, "%s already exists: the directory is initialised; nothing was written (-force rewrites it).\n", config)
}

// Locked is lock's result: the pin, and whether it was written.
func (v *View) Locked(p lockfile.Pin, written bool) {
	if written {
		fmt.Fprintf(v.Out, "nixpkgs: %s (written to %s)\n", DescribePin(p), lockfile.FileName)
		return
	}
	fmt.Fprintf(v.Out, "nixpkgs: %s (unchanged)\n", DescribePin(p))
}

// Cleaned is clean's result for an interrupted run's leftovers.
func (v *View) Cleaned(containers, files int) {
	fmt.Fprintf(v.Out, "Removed %s and %s.\n", Plural(containers, "container"), Plural(files, "temporary file"))
}

// RemovedArtifact lists one artifact clean -artifacts removed.
func (v *View) RemovedArtifact(path string) { fmt.Fprintf(v.Out, "Removed %s\n", path) }

// NoStaleArtifacts says clean -artifacts found nothing to remove; outDir
// is set when the output directory does not exist.
func (v *View) NoStaleArtifacts(missingOutDir string) {
	if missingOutDir != "" {
		fmt.Fprintf(v.Out, "No output directory %s: nothing to remove.\n", missingOutDir)
		return
	}
	fmt.Fprintln(v.Out, "No stale artifacts: every artifact belongs to a configured variant.")
}

// StoreCollected is clean -store's result; summary is Nix's own line, or
// "" when the volume does not exist.
func (v *View) StoreCollected(volume, summary string) {
	if summary == "" {
		fmt.Fprintf(v.Out, "Store volume %s does not exist yet: nothing to collect.\n", volume)
		return
	}
	fmt.Fprintf(v.Out, "Collected garbage in store volume %s: %s.\n", volume, summary)
}

// Formatted lists a file fmt changed (or would change), with its diff.
func (v *View) Formatted(path string, diff []byte) {
	fmt.Fprintln(v.Out, path)
	if diff != nil {
		_, _ = v.Out.Write(diff)
	}
}

// Raw copies output that is the command's product (a rendered module,
// formatted stdin) to stdout unchanged.
func (v *View) Raw(b []byte) error {
	_, err := v.outFile.Write(b) // never wrapped: it is data
	return err
}

// Line prints one plain line on stdout (version).
func (v *View) Line(s fmt.Stringer) { fmt.Fprintln(v.Out, s) }
