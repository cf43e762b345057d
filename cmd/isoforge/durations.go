package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/spec"
)

// previousDurations reads each variant's last build time from
// manifest.json in the output directory, for the live view's ETA. The
// lock records no durations; a missing or unreadable manifest just means
// no estimate.
func previousDurations(cfg *spec.Config) map[string]time.Duration {
	out := map[string]time.Duration{}
	b, err := os.ReadFile(filepath.Join(cfg.Dir, filepath.FromSlash(cfg.OutputDir), "manifest.json"))
	if err != nil {
		return out
	}
	var m apply.Manifest
	if json.Unmarshal(b, &m) != nil {
		return out
	}
	for _, v := range m.Variants {
		if v.BuildSecs > 0 {
			out[v.Name] = time.Duration(v.BuildSecs * float64(time.Second))
		}
	}
	return out
}
