package nixsyntax

import (
	"os"
	"testing"
	"time"
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
	start := cpuTime()
	for b.Loop() {
		for _, src := range srcs {
			if _, err := Parse("bench.nix", src); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportCPU(b, start, total)
}

// reportCPU adds MB/s of CPU time (GC included, as the benchmark runs with
// GOMAXPROCS=1 or not) beside go test's MB/s of wall time.
func reportCPU(b *testing.B, start time.Duration, bytes int64) {
	if cpu := cpuTime() - start; cpu > 0 {
		b.ReportMetric(float64(bytes)*float64(b.N)/cpu.Seconds()/1e6, "cpu-MB/s")
	}
}

// BenchmarkParseSmall parses a short nix body the way validate wraps it:
// per-call overhead dominates for such inputs.
func BenchmarkParseSmall(b *testing.B) {
	src := []byte("let src = null; in { config, lib, pkgs, modulesPath, ... }: {\n" +
		"services.openssh.settings.MaxAuthTries = 3;\nboot.kernel.sysctl.\"vm.swappiness\" = 10;\n" +
		"environment.etc.\"node\".text = ''\n  node ${config.networking.hostName} ${toString 7}\n'';\n}")
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if _, err := Parse("body.nix", src); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start, int64(len(src)))
}
