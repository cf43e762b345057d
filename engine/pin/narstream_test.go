package pin_test

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/isoforge/isoforge/engine/pin"
)

// randomTree returns the entries of a random tree whose names collide in
// the ways git and NAR order differently: "a", "a-b", "a.nix", "a+",
// "a b", ".a" beside directories "a/" and "ab/".
func randomTree(rng *rand.Rand) []entry {
	names := []string{"a", "a-b", "a.nix", "a+", "a b", ".a", "ab", "b", "B", "a-", "a.b.c", "é"}
	entries := []entry{{name: "top/", dir: true, mode: 0o755}}
	var grow func(dir string, depth int)
	grow = func(dir string, depth int) {
		for _, n := range names {
			if rng.IntN(3) == 0 {
				continue
			}
			p := dir + n
			switch k := rng.IntN(6); {
			case k == 0 && depth < 3:
				dirEntry := entry{name: p + "/", dir: true, mode: 0o755}
				if rng.IntN(4) > 0 { // some directories have no entry of their own
					entries = append(entries, dirEntry)
				}
				before := len(entries)
				grow(p+"/", depth+1)
				if len(entries) == before {
					entries = append(entries, dirEntry)
				}
			case k == 1:
				entries = append(entries, entry{name: p, link: "../" + n})
			default:
				entries = append(entries, entry{name: p, body: strings.Repeat(p, rng.IntN(5)), mode: 0o644 | int64(k%2)*0o111})
			}
		}
	}
	grow("top/", 0)
	return entries
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
		inGitOrder := i%3 != 0
		if inGitOrder {
			gitOrder(entries)
		} else {
			rng.Shuffle(len(entries)-1, func(a, b int) { entries[a+1], entries[b+1] = entries[b+1], entries[a+1] })
		}
		got, ok, want, err := pin.UnpackBoth(bytes.NewReader(tarball(t, entries)))
		if err != nil {
			t.Fatal(err)
		}
		if inGitOrder && !ok {
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

func names(entries []entry) string {
	var b strings.Builder
	for _, e := range entries {
		b.WriteString(e.name + "\n")
	}
	return b.String()
}

// TestStreamGivesUpOnDisorder: a duplicate entry, a step back in git
// order or a directory named after a file ends streaming (the tree is
// hashed instead); a second top-level directory fails the unpack.
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
			var entries []entry
			for _, p := range paths {
				entries = append(entries, entry{name: p, dir: strings.HasSuffix(p, "/"), mode: 0o644})
			}
			if _, ok, _, err := pin.UnpackBoth(bytes.NewReader(tarball(t, entries))); ok && err == nil {
				t.Error("the stream did not give up")
			}
		})
	}
}

// FuzzStreamedNAR: whatever the names and their order, a stream that did
// not give up hashes exactly what the finished tree hashes.
func FuzzStreamedNAR(f *testing.F) {
	f.Add("top/\ntop/a\ntop/a-b\ntop/a.nix\ntop/a/\ntop/a/x\ntop/b", true)
	f.Add("top/a/x\ntop/a-b\ntop/b/", false)
	f.Fuzz(func(t *testing.T, list string, sorted bool) {
		var entries []entry
		for _, p := range strings.Split(list, "\n") {
			if p == "" || strings.ContainsRune(p, 0) || len(entries) == 200 { // tar cannot hold NUL
				continue
			}
			entries = append(entries, entry{name: p, dir: strings.HasSuffix(p, "/"), body: p, mode: 0o644})
		}
		if sorted {
			gitOrder(entries)
		}
		got, ok, want, err := pin.UnpackBoth(bytes.NewReader(tarball(t, entries)))
		if err == nil && ok && got != want {
			t.Fatalf("streamed %s, tree %s", got, want)
		}
	})
}
