package apply

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/isoforge/isoforge/engine/render"
	"github.com/isoforge/isoforge/runtimes"
)

// nestedReadOnlyBinds makes the configuration mount recursively
// read-only where the engines cannot: Podman 4.3 refuses the "rro" option
// ("invalid option type") and Docker's API before 1.44 (Docker 25) has no
// ReadOnlyForceRecursive, so with a plain read-only bind a file system
// mounted below the configuration directory stays writable inside the
// builder. Each such mount point gets its own read-only bind over the same
// path, which the engines mount after (above) the configuration's. The
// mount table is this process's: it matches the engine's for the local
// engines isoforge binds host paths into.
func nestedReadOnlyBinds(cfgDir string) ([]runtimes.Bind, error) {
	dir, err := filepath.EvalSymlinks(cfgDir)
	if err != nil {
		return nil, err
	}
	points, err := mountPointsBelow(dir)
	if err != nil {
		return nil, err
	}
	binds := make([]runtimes.Bind, 0, len(points))
	for _, p := range points {
		rel, _ := filepath.Rel(dir, p)
		binds = append(binds, runtimes.Bind{Source: p, Target: render.SrcMount + "/" + filepath.ToSlash(rel), ReadOnly: true})
	}
	return binds, nil
}

// mountPointsBelow lists the mount points strictly below dir, sorted so
// that a parent comes before the mounts inside it.
func mountPointsBelow(dir string) ([]string, error) {
	f, err := os.Open("/proc/self/mountinfo")
	if os.IsNotExist(err) {
		return nil, nil // not Linux: no mount table to read
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		// Field 5 is the mount point, octal-escaped (man 5 proc).
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		p := unescapeMountPath(fields[4])
		if strings.HasPrefix(p, dir+"/") {
			seen[p] = true
		}
	}
	points := make([]string, 0, len(seen))
	for p := range seen {
		points = append(points, p)
	}
	sort.Strings(points)
	return points, sc.Err()
}

// unescapeMountPath decodes the \040-style escapes of /proc mount tables.
func unescapeMountPath(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
