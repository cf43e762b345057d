package plan

import (
	"github.com/isoforge/isoforge/engine/fingerprint"
)

// fileCache reads each variant's module files once per plan, since fleets
// share the same modules across many variants.
type fileCache struct {
	dir  string
	sets map[string]map[string][]byte
}

func newFileCache(dir string) *fileCache {
	return &fileCache{dir: dir, sets: map[string]map[string][]byte{}}
}

func (c *fileCache) moduleFiles(modules []string, rawNix string) (map[string][]byte, error) {
	key := rawNix
	for _, m := range modules {
		key += "\x00" + m
	}
	if files, ok := c.sets[key]; ok {
		return files, nil
	}
	files, err := fingerprint.ModuleFiles(c.dir, modules, rawNix)
	if err != nil {
		return nil, err
	}
	c.sets[key] = files
	return files, nil
}
