package apply

import (
	"context"

	"github.com/isoforge/isoforge/engine/workspace"
	"github.com/isoforge/isoforge/runtimes"
)

// ConfigID identifies a configuration directory in container labels, so
// cleaning up touches this configuration's containers and no others.
func ConfigID(dir string) string { return workspace.ConfigID(dir) }

// Labels are the labels of a build container.
func Labels(dir, variant, runID string) map[string]string {
	return map[string]string{
		runtimes.LabelVariant: variant,
		runtimes.LabelRun:     runID,
		runtimes.LabelConfig:  ConfigID(dir),
	}
}

// Cleanup removes what an interrupted run left behind: this
// configuration's containers (all, when rt is given and all is set), then
// the files workspace.RemoveLeftovers removes. Call it only while holding
// the workspace's DirLock.
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
	return containers, workspace.RemoveLeftovers(dir, outDir), nil
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
