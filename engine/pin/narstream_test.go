package pin

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// tarEntry is one archive member; a name ending in "/" is a directory.
type tarEntry struct {
	name, body, link string
	exec             bool
}

// randomTree returns the entries of a random tree whose names collide in
// the ways git and NAR order differently: "a", "a-b", "a.nix", "a+",
// "a b", ".a" beside directories "a/" and "ab/".
func randomTree(rng *rand.Rand) []tarEntry {
	names := []string{"a", "a-b", "a.nix", "a+", "a b", ".a", "ab", "b", "B", "a-", "a.b.c", "é"}
	entries := []tarEntry{{name: "top/"}}
	var grow func(dir string, depth int)
	grow = func(dir string, depth int) {
		for _, n := range names {
			if rng.IntN(3) == 0 {
				continue
			}
			p := dir + n
			switch k := rng.IntN(6); {
			case k == 0 && depth < 3:
				if rng.IntN(4) > 0 { // some directories have no entry of their own
					entries = append(entries, tarEntry{name: p + "/"})
				}
				before := len(entries)
				grow(p+"/", depth+1)
				if len(entries) == before {
					entries = append(entries, tarEntry{name: p + "/"})
				}
			case k == 1:
				entries = append(entries, tarEntry{name: p, link: "../" + n})
			default:
				entries = append(entries, tarEntry{name: p, body: strings.Repeat(p, rng.IntN(5)), exec: k == 2})
			}
		}
	}
	grow("top/", 0)
	return entries
}

func tarGz(t *testing.T, entries []tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: 0o644, Typeflag: tar.TypeReg, Size: int64(len(e.body))}
		switch {
		case strings.HasSuffix(e.name, "/"):
			h.Typeflag, h.Mode = tar.TypeDir, 0o755
		case e.link != "":
			h.Typeflag, h.Linkname = tar.TypeSymlink, e.link
		case e.exec:
			h.Mode = 0o755
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(e.body))
	}
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// TestStreamedNARIsTheTreesNAR: in git's order (as GitHub serves
// archives) the NAR is hashed while unpacking, and equals the hash of
// the finished tree; in any other order the stream gives up, and the
// tree is hashed instead.
func TestStreamedNARIsTheTreesNAR(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	streamed := 0
	for i := range 300 {
		entries := randomTree(rng)
		gitOrder := i%3 != 0
		if gitOrder {
			// Byte order of tar names, directories with their "/", is
			// git's tree order walked depth first.
			sort.Slice(entries, func(a, b int) bool { return entries[a].name < entries[b].name })
		} else {
			rng.Shuffle(len(entries)-1, func(a, b int) { entries[a+1], entries[b+1] = entries[b+1], entries[a+1] })
		}
		tree, stream, err := unpack(context.Background(), bytes.NewReader(tarGz(t, entries)))
		if err != nil {
			t.Fatal(err)
		}
		want, err := narHash(tree)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := stream.sum()
		if gitOrder && !ok {
			t.Fatalf("tree %d in git order: the stream gave up\n%s", i, names(entries))
		}
		if ok {
			streamed++
			if got != want {
				t.Fatalf("tree %d: streamed %s, tree %s\n%s", i, got, want, names(entries))
			}
		}
	}
	if streamed < 200 {
		t.Errorf("only %d of 300 trees streamed", streamed)
	}
}

func names(entries []tarEntry) string {
	var b strings.Builder
	for _, e := range entries {
		fmt.Fprintln(&b, e.name)
	}
	return b.String()
}

// TestStreamGivesUpOnDisorder: a duplicate entry, a second top-level
// directory or a step back in git order ends streaming.
func TestStreamGivesUpOnDisorder(t *testing.T) {
	tests := map[string][]string{
		"duplicate":         {"top/", "top/a", "top/a"},
		"back in order":     {"top/", "top/b", "top/a"},
		"revisit":           {"top/", "top/a/x", "top/b", "top/a/y"},
		"second top":        {"top/", "top/a", "u/"},
		"file becomes dir":  {"top/", "top/a", "top/a/"},
		"implied then seen": {"top/a/x", "top/"},
	}
	for name, paths := range tests {
		t.Run(name, func(t *testing.T) {
			s := newNARStream()
			root := dirNode()
			for _, p := range paths {
				h := &tar.Header{Name: p, Typeflag: tar.TypeReg}
				if strings.HasSuffix(p, "/") {
					h.Typeflag = tar.TypeDir
				}
				clean, err := add(root, h, strings.NewReader(""))
				if err != nil {
					t.Fatal(err)
				}
				s.add(root, clean, h.Typeflag == tar.TypeDir)
			}
			if _, ok := s.sum(); ok {
				t.Error("the stream did not give up")
			}
		})
	}
}
