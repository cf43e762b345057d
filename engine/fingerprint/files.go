package fingerprint

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// relPathRe finds relative path literals in Nix code: ./x, ../x, and
// the rendered module's (src + "/x") references.
var relPathRe = regexp.MustCompile(`(?:^|[\s\[(=:;])(\.\.?/[A-Za-z0-9_.+/-]+)|src \+ "(/[^"$\\]+)"`)

// ModuleFiles reads the module files a variant uses and, transitively, the
// files they name with relative paths, plus files the raw nix body names.
// Paths are slash paths relative to dir; paths leaving dir and files that
// do not exist are skipped (nix-build reports those).
func ModuleFiles(dir string, modules []string, rawNix string) (map[string][]byte, error) {
	files := map[string][]byte{}
	queue := append([]string(nil), modules...)
	queue = append(queue, refs(".", rawNix)...)
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if _, seen := files[p]; seen || p == ".." || strings.HasPrefix(p, "../") {
			continue
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		st, err := os.Stat(full)
		if err != nil {
			continue
		}
		if st.IsDir() {
			queue = append(queue, path.Join(p, "default.nix"))
			continue
		}
		b, err := os.ReadFile(full)
		if err != nil {
			return nil, err
		}
		files[p] = b
		if strings.HasSuffix(p, ".nix") {
			queue = append(queue, refs(path.Dir(p), string(b))...)
		}
	}
	return files, nil
}

// refs returns the relative paths named in Nix source living in base.
func refs(base, src string) []string {
	var out []string
	for _, m := range relPathRe.FindAllStringSubmatch(src, -1) {
		if m[1] != "" {
			out = append(out, path.Clean(path.Join(base, m[1])))
			continue
		}
		out = append(out, path.Clean(strings.TrimPrefix(m[2], "/")))
	}
	return out
}
