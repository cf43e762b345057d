package apply_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/runtimes/fake"
)

// BenchmarkApplyRebuild1000 applies a fleet of 1,000 variants on the FAKE
// runtime (builds take no time), after a change that rebuilds every one:
// what remains is isoforge's own work, lock writing first among it
// (issue 10: two hclwrite saves per variant cost ~5.5 min at 1,000;
// target at most 2 s of lock writing). It reports the whole apply
// (ms/apply), the time spent writing the lock (lock_ms/apply) and how
// many lock writes that took (lock_writes/apply).
func BenchmarkApplyRebuild1000(b *testing.B) {
	var src strings.Builder
	src.WriteString("nixpkgs {\n  rev = \"0123456789abcdef0123456789abcdef01234567\"\n}\n")
	for i := 0; i < 1000; i++ {
		fmt.Fprintf(&src, "variant \"v%04d\" {\n  hostname = \"h%04d\"\n}\n", i, i)
	}
	dir := b.TempDir()
	os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(src.String()), 0o644)
	if _, err := run(b, context.Background(), dir, &fake.Runtime{}, apply.Options{Parallelism: 8}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var total, locking time.Duration
	writes := 0
	for i := 0; i < b.N; i++ {
		edited := strings.ReplaceAll(src.String(), "hostname = \"h", fmt.Sprintf("timezone = \"Etc/GMT+%d\"\n  hostname = \"h", i%12))
		os.WriteFile(filepath.Join(dir, "isos.hcl"), []byte(edited), 0o644)
		start := time.Now()
		a, results, err := runApplier(b, context.Background(), dir, &fake.Runtime{}, apply.Options{Parallelism: 8})
		total += time.Since(start)
		n, d := a.LockStats()
		writes += n
		locking += d
		if err != nil || len(results) != 1000 {
			b.Fatalf("%v, %d results", err, len(results))
		}
	}
	l, _, _ := lockfile.Load(filepath.Join(dir, lockfile.FileName))
	if len(l.VariantNames()) != 1000 {
		b.Fatalf("%d locked", len(l.VariantNames()))
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/apply")
	b.ReportMetric(float64(locking.Milliseconds())/float64(b.N), "lock_ms/apply")
	b.ReportMetric(float64(writes)/float64(b.N), "lock_writes/apply")
}
