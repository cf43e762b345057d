package apply

import (
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"github.com/isoforge/isoforge/engine/atomicfile"
	"github.com/isoforge/isoforge/spec"
)

// TestRecord is one test outcome to keep in manifest.json.
type TestRecord struct {
	Variant string
	Result  string
	At      time.Time
}

// RecordTests sets tested_at and test_result of the tested variants in
// the output directory's manifest.json; variants it does not list (not
// built) are left alone.
func RecordTests(cfg *spec.Config, records []TestRecord) error {
	p := filepath.Join(cfg.Dir, filepath.FromSlash(cfg.OutputDir), "manifest.json")
	b, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	for _, r := range records {
		for i := range m.Variants {
			if m.Variants[i].Name == r.Variant {
				m.Variants[i].TestedAt = r.At.UTC().Format(time.RFC3339)
				m.Variants[i].TestResult = r.Result
			}
		}
	}
	out, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.WriteIfChanged(p, append(out, '\n'), 0o644)
}
