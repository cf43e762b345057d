package runtimes_test

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/runtimes/runtimetest"
)

// BenchmarkArtifactOut512MiB measures getting a 512 MiB artifact out of
// a finished container and hashed, in MiB/s: through a bind mount (read
// the file the container wrote) and through the archive API, locally and
// over SSH, for Podman and Docker, in the same run.
//
//	scripts/test-env.sh go test -run '^$' -bench ArtifactOut -benchtime 1x ./runtimes/
func BenchmarkArtifactOut512MiB(b *testing.B) {
	const size = 512 << 20
	write := "head -c 536870912 /dev/urandom > /out/artifact.iso"
	engines := runtimetest.Engines(b)
	h := runtimetest.RemoteHost(b)
	for _, e := range engines {
		b.Run(e.Name+"/local-bind", func(b *testing.B) {
			rt := runtimetest.Open(b, e)
			for b.Loop() {
				out := b.TempDir()
				cs := benchSpec(b, write)
				cs.Binds = []runtimes.Bind{{Source: out, Target: "/out"}}
				b.StopTimer()
				run(b, rt, cs)
				b.StartTimer()
				start := time.Now()
				hashFile(b, filepath.Join(out, "artifact.iso"))
				b.ReportMetric(float64(size>>20)/time.Since(start).Seconds(), "MiB/s")
			}
		})
		b.Run(e.Name+"/local-archive", func(b *testing.B) { benchArchive(b, runtimetest.Open(b, e), write, size) })
	}
	for _, e := range h.Engines {
		b.Run(e.Name+"/ssh-archive", func(b *testing.B) { benchArchive(b, runtimetest.Open(b, e), write, size) })
	}
}

func benchSpec(b *testing.B, script string) runtimes.ContainerSpec {
	return shellSpec(b, "mkdir -p /out && "+script)
}

func run(b *testing.B, rt runtimes.Runtime, cs runtimes.ContainerSpec) {
	code, err := rt.Run(context.Background(), cs, func(string, string) {})
	if err != nil || code != 0 {
		b.Fatalf("code %d err %v", code, err)
	}
}

// benchArchive times the copy-out alone: from the container's exit to
// the artifact hashed on this machine.
func benchArchive(b *testing.B, rt runtimes.Runtime, script string, size int) {
	for b.Loop() {
		var start time.Time
		var took time.Duration
		cs := benchSpec(b, script)
		cs.CopyOut = []*runtimes.CopyOut{{Path: "/out/artifact.iso", Receive: func(r io.Reader) error {
			start = time.Now()
			tr := tar.NewReader(r)
			if _, err := tr.Next(); err != nil {
				return err
			}
			h := sha256.New()
			n, err := io.Copy(h, tr)
			if err == nil && n != int64(size) {
				err = errors.New("short artifact")
			}
			took = time.Since(start)
			return err
		}}}
		run(b, rt, cs)
		b.ReportMetric(float64(size>>20)/took.Seconds(), "MiB/s")
	}
}

func hashFile(b *testing.B, p string) {
	f, err := os.Open(p)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if _, err := io.Copy(sha256.New(), f); err != nil {
		b.Fatal(err)
	}
}
