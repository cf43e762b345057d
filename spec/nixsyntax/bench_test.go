package nixsyntax

import (
	"os"
	"testing"
)

// BenchmarkParse parses the whole nixpkgs lib copy of ../shared (about 2.4
// MB in 285 files) per iteration; go test reports MB/s.
func BenchmarkParse(b *testing.B) {
	var srcs [][]byte
	var total int64
	for _, path := range libFiles(b) {
		src, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		srcs = append(srcs, src)
		total += int64(len(src))
	}
	if len(srcs) == 0 {
		b.Skip("no corpus")
	}
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, src := range srcs {
			if _, err := Parse("bench.nix", src); err != nil {
				b.Fatal(err)
			}
		}
	}
}
