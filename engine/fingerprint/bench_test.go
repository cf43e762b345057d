package fingerprint_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/isoforge/isoforge/engine/fingerprint"
)

// BenchmarkFileSumVsSha256sum hashes the same 1 GiB file with FileSum
// and with coreutils' sha256sum in the same run; target: FileSum at
// least 0.9x sha256sum's throughput (reported as ratio).
func BenchmarkFileSumVsSha256sum(b *testing.B) {
	path := filepath.Join(b.TempDir(), "1gib.iso")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for i := range chunk {
		chunk[i] = byte(i * 7)
	}
	for i := 0; i < 1024; i++ {
		chunk[0] = byte(i)
		f.Write(chunk)
	}
	f.Close()
	var ours, theirs time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		sum, _, err := fingerprint.FileSum(path)
		if err != nil {
			b.Fatal(err)
		}
		ours += time.Since(start)
		start = time.Now()
		out, err := exec.Command("sha256sum", path).Output()
		if err != nil {
			b.Fatal(err)
		}
		theirs += time.Since(start)
		if !strings.HasPrefix(string(out), sum) {
			b.Fatalf("digests differ: %s vs %s", sum, out)
		}
	}
	gib := float64(b.N)
	b.ReportMetric(gib/ours.Seconds(), "GiB/s")
	b.ReportMetric(gib/theirs.Seconds(), "sha256sum-GiB/s")
	b.ReportMetric(theirs.Seconds()/ours.Seconds(), "throughput-ratio")
}
