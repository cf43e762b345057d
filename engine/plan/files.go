package plan

import (
	"strings"

	"github.com/isoforge/isoforge/engine/fingerprint"
)

// fileCache reads each set of input files once per plan, since fleets
// share the same modules across many variants.
type fileCache struct {
	dir  string
	sets map[string]map[string][]byte
}

func newFileCache(dir string) *fileCache {
	return &fileCache{dir: dir, sets: map[string]map[string][]byte{}}
}

func (c *fileCache) inputFiles(files []string) (map[string][]byte, error) {
	key := strings.Join(files, "\x00")
	if set, ok := c.sets[key]; ok {
		return set, nil
	}
	set, err := fingerprint.ReadInputs(c.dir, files)
	if err != nil {
		return nil, err
	}
	c.sets[key] = set
	return set, nil
}
