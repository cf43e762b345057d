package apply

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"

	"github.com/isoforge/isoforge/engine/atomicfile"
	"github.com/isoforge/isoforge/runtimes"
)

// ConfigID identifies a configuration directory in container labels, so
// cleaning up touches this configuration's containers and no others.
func ConfigID(dir string) string {
	sum := sha256.Sum256([]byte(dir))
	return hex.EncodeToString(sum[:6])
}

// Labels are the labels of a build container.
func Labels(dir, variant, runID string) map[string]string {
	return map[string]string{
		runtimes.LabelVariant: variant,
		runtimes.LabelRun:     runID,
		runtimes.LabelConfig:  ConfigID(dir),
	}
}

// Cleanup removes what an interrupted run left behind: this
// configuration's containers (all, when rt is given and all is set),
// temporary files in the output and configuration directories, and work
// directories. Call it only while holding the DirLock.
func Cleanup(ctx context.Context, rt runtimes.Runtime, dir, outDir string, all bool) (containers, files int, err error) {
	if rt != nil {
		sel := map[string]string{runtimes.LabelConfig: ConfigID(dir)}
		if all {
			sel = nil // every container; removeContainers keeps only ours
		}
		containers, err = removeContainers(ctx, rt, sel)
		if err != nil {
			return containers, 0, err
		}
	}
	files += removeTemps(filepath.Join(dir, outDir))
	files += removeTemps(dir)
	files += removeTemps(filepath.Join(dir, StateDir))
	work := filepath.Join(dir, StateDir, "work")
	if entries, _ := os.ReadDir(work); len(entries) > 0 {
		files += len(entries)
		os.RemoveAll(work)
	}
	return containers, files, nil
}

// HasLeftovers reports whether an earlier run was interrupted: its work
// directories are still there, so its containers may be too.
func HasLeftovers(dir string) bool {
	entries, _ := os.ReadDir(filepath.Join(dir, StateDir, "work"))
	return len(entries) > 0
}

func removeContainers(ctx context.Context, rt runtimes.Runtime, sel map[string]string) (int, error) {
	list, err := rt.Containers(ctx, sel)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range list {
		if _, ours := c.Labels[runtimes.LabelRun]; !ours {
			continue
		}
		if err := rt.Remove(ctx, c.ID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
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
