package pin

import (
	"container/heap"
	"strings"
)

// narStream hashes an archive's tree as a NAR while the archive is still
// being unpacked, so that serialising and hashing ~200 MB of nixpkgs
// overlaps with inflating it instead of following it (a quarter of a
// lock's time, BenchmarkHashArchiveVsNixHash).
//
// A NAR lists a directory's entries sorted by name; GitHub's archives
// (git archive) list them in git's tree order, which sorts a directory
// "foo" as "foo/", after "foo-bar" and "foo.nix". So arrivals wait in a
// heap ordered as the NAR orders them, and leave it once no later
// arrival can sort before them: tar names rise strictly in git order, so
// after an arrival w, only paths whose git key exceeds w are still to
// come (see safe).
//
// Any archive not in strict git order — another tool's tarball, a
// duplicate entry, a second top-level directory — marks the stream
// broken, and the caller hashes the finished tree instead (narHash).
// Either way the hash is the same; only the overlap is lost.
type narStream struct {
	w      *narHasher      // nil until the first write
	top    string          // the archive's top-level directory
	last   string          // the latest arrival's git key, below top
	seen   map[string]bool // every path that arrived, or was implied
	queue  arrivals
	broken bool
}

// arrival is one node waiting to be written: its path inside the top
// directory ("" is the top itself) and its NAR sort key.
type arrival struct {
	key  string // the path with '/' as 0x00: NAR order is byte order of keys
	path string
	node *node
}

func newNARStream() *narStream {
	return &narStream{seen: map[string]bool{}}
}

// add records that name (a cleaned tar path whose node is already in the
// tree under root) arrived, and writes every node that can no longer be
// preceded.
func (s *narStream) add(root *node, name string, dir bool) {
	if s.broken {
		return
	}
	first, rest, _ := strings.Cut(name, "/")
	gitKey := rest // relative to the top directory, which all share
	if dir && rest != "" {
		gitKey += "/"
	}
	if s.top != "" && (first != s.top || gitKey <= s.last) {
		s.fail()
		return
	}
	s.top, s.last = first, gitKey
	// A tar may leave out directories: each parent arrives with its
	// first entry.
	for _, p := range pathAndParents(rest) {
		if s.seen[p] {
			if p == rest {
				s.fail() // the same path twice
				return
			}
			continue
		}
		s.seen[p] = true
		n := lookup(root.children[first], p)
		if n == nil {
			s.fail()
			return
		}
		heap.Push(&s.queue, arrival{key: strings.ReplaceAll(p, "/", "\x00"), path: p, node: n})
	}
	for !s.broken && len(s.queue) > 0 && s.safe(s.queue[0].path) {
		s.write(heap.Pop(&s.queue).(arrival))
	}
}

// pathAndParents lists "" (the top directory), each parent of p, and p.
func pathAndParents(p string) []string {
	paths := []string{""}
	for i := 0; i < len(p); i++ {
		if p[i] == '/' {
			paths = append(paths, p[:i])
		}
	}
	if p != "" {
		paths = append(paths, p)
	}
	return paths
}

// safe reports whether no path still to come sorts before p in the NAR.
//
// A later arrival q has a git key above the latest one. If q sorts before
// p in the NAR but after it in git order, they differ first where q's
// component ends and p's goes on with a byte below '/' (q = "foo/…",
// p = "foo-bar"): q starts with p[:i]+"/" for an i where p[i] < '/'. The
// first such i gives the largest such q; once git order is past every
// path starting p[:i]+"/", p is safe.
func (s *narStream) safe(p string) bool {
	i := 1
	for i < len(p) && (p[i] >= '/' || p[i-1] == '/') { // components are not empty
		i++
	}
	if i >= len(p) {
		return true
	}
	w := s.last
	if len(w) < i || w[:i] != p[:i] {
		return w > p[:i]
	}
	return len(w) > i && w[i] > '/'
}

// write writes one node's header and contents.
func (s *narStream) write(a arrival) {
	if s.w == nil {
		w, err := newNARHasher()
		if err != nil {
			s.fail()
			return
		}
		s.w = w
	}
	if err := writeEntry(s.w.Writer, "/"+a.path, a.node); err != nil {
		s.fail()
	}
}

// fail gives up streaming. It closes the NAR writer, whose goroutine
// would otherwise wait for headers forever (and block the next
// WriteHeader after an error).
func (s *narStream) fail() {
	s.broken = true
	if s.w != nil {
		s.w.Close()
		s.w = nil
	}
}

// sum writes what is left and returns the NAR hash; false when the
// stream broke and the tree must be hashed whole.
func (s *narStream) sum() (string, bool) {
	for !s.broken && len(s.queue) > 0 {
		s.write(heap.Pop(&s.queue).(arrival))
	}
	if s.broken || s.w == nil {
		return "", false
	}
	sum, err := s.w.sum()
	s.w = nil
	return sum, err == nil
}

// lookup finds the node at slash-separated path p under dir.
func lookup(dir *node, p string) *node {
	if dir == nil || p == "" {
		return dir
	}
	for _, seg := range strings.Split(p, "/") {
		if dir = dir.children[seg]; dir == nil {
			return nil
		}
	}
	return dir
}

// arrivals is a min-heap of arrivals by NAR key.
type arrivals []arrival

func (a arrivals) Len() int           { return len(a) }
func (a arrivals) Less(i, j int) bool { return a[i].key < a[j].key }
func (a arrivals) Swap(i, j int)      { a[i], a[j] = a[j], a[i] }
func (a *arrivals) Push(x any)        { *a = append(*a, x.(arrival)) }
func (a *arrivals) Pop() any {
	old := *a
	x := old[len(old)-1]
	*a = old[:len(old)-1]
	return x
}
