package workspace

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/isoforge/isoforge/engine/atomicfile"
)

// StateDir is the uncommitted directory for work files, logs, caches and
// the directory lock. This package is the only one that knows its
// layout.
const StateDir = ".isoforge"

// WorkDir is a variant's scratch directory.
func WorkDir(cfgDir, variant string) string {
	return filepath.Join(cfgDir, StateDir, "work", variant)
}

// LogPath is where a variant's full build log goes.
func LogPath(cfgDir, variant string) string {
	return filepath.Join(cfgDir, StateDir, "logs", variant+".log")
}

func statCachePath(cfgDir string) string {
	return filepath.Join(cfgDir, StateDir, "statcache.json")
}

// lockCachePath is the parse cache of the lockfile. It lives in the
// user's cache directory, keyed by the configuration's location, not
// under .isoforge/: a repository can commit .isoforge/ but cannot plant
// a file here, and the entry is itself keyed by the lockfile's SHA-256.
// "" (no cache) when the user has no cache directory.
func lockCachePath(cfgDir string) string {
	base, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(base, "isoforge", "locks", ConfigID(cfgDir)+".json")
}

// CheckLinks refuses a configuration whose .isoforge/ or output
// directory, or an entry directly under them, is a symlink: isoforge
// writes, renames and deletes there, and a committed link would point
// those at files outside the configuration.
func CheckLinks(cfgDir, outputDir string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, rel := range []string{StateDir, outputDir, filepath.Join(StateDir, "logs"), filepath.Join(StateDir, "work")} {
		diags = append(diags, checkLink(cfgDir, rel)...)
		diags = append(diags, checkEntries(cfgDir, rel)...)
	}
	return diags
}

func checkLink(cfgDir, rel string) hcl.Diagnostics {
	st, err := os.Lstat(filepath.Join(cfgDir, rel))
	if err != nil || st.Mode()&os.ModeSymlink == 0 {
		return nil
	}
	return hcl.Diagnostics{linkDiag(rel)}
}

func checkEntries(cfgDir, rel string) hcl.Diagnostics {
	entries, err := os.ReadDir(filepath.Join(cfgDir, rel))
	if err != nil {
		return nil
	}
	var diags hcl.Diagnostics
	for _, e := range entries {
		if e.Type()&os.ModeSymlink != 0 {
			diags = append(diags, linkDiag(filepath.Join(rel, e.Name())))
		}
	}
	return diags
}

func linkDiag(rel string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError, Summary: "Symlink in isoforge's directories",
		Detail: fmt.Sprintf("%s is a symlink. isoforge writes and deletes files under .isoforge/ and the output directory, "+
			"and never through a link that could point outside the configuration: remove the link (`rm %s`) and run again.", rel, rel),
	}
}

// HasLeftovers reports whether an earlier run was interrupted: its work
// directories are still there, so its containers may be too.
func HasLeftovers(dir string) bool {
	entries, _ := os.ReadDir(filepath.Join(dir, StateDir, "work"))
	return len(entries) > 0
}

// RemoveLeftovers deletes temporary files in the output, configuration
// and state directories and the work directories of an interrupted run,
// and returns how many it removed. Call it only while holding the
// DirLock and after CheckLinks, so no symlink leads it elsewhere.
func RemoveLeftovers(dir, outDir string) int {
	n := removeTemps(filepath.Join(dir, outDir))
	n += removeTemps(dir)
	n += removeTemps(filepath.Join(dir, StateDir))
	work := filepath.Join(dir, StateDir, "work")
	if st, err := os.Lstat(work); err != nil || !st.IsDir() {
		return n
	}
	if entries, _ := os.ReadDir(work); len(entries) > 0 {
		n += len(entries)
		os.RemoveAll(work)
	}
	return n
}

func removeTemps(dir string) int {
	entries, _ := os.ReadDir(dir)
	n := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), atomicfile.TempPrefix) {
			os.Remove(filepath.Join(dir, e.Name()))
			n++
		}
	}
	return n
}
