package lockfile_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/isoforge/isoforge/engine/lockfile"
)

// BenchmarkSave saves a fleet's lock after one entry changed, as apply
// does after each batch of builds (issue 10 measured 164 ms / 1.5 s per
// save at 1,000 / 10,000 variants with hclwrite).
func BenchmarkSave(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("variants=%d", n), func(b *testing.B) {
			l := sampleLock(n, "a")
			path := filepath.Join(b.TempDir(), lockfile.FileName)
			if err := l.Save(path); err != nil {
				b.Fatal(err)
			}
			e, _ := l.Variant("site-0001")
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				e.SHA256 = strings.Repeat(string("0123456789abcdef"[i%16]), 64)
				l.SetVariant("site-0001", e)
				if err := l.Save(path); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkParse parses a fleet's lock, as a plan with a cold cache does.
func BenchmarkParse(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("variants=%d", n), func(b *testing.B) {
			src := sampleLock(n, "a").Bytes()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, _, diags := lockfile.Parse(src, lockfile.FileName); diags.HasErrors() {
					b.Fatal(diags.Error())
				}
			}
		})
	}
}
