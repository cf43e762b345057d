package apply

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/runtimes/runtimetest"
)

// BenchmarkExitToOut1GiB measures a local engine's 1 GiB artifact from
// the container's exit to the file in out/ with its sha256, synced and
// renamed into place: "renamed" is what apply does (rename within the
// filesystem, hash in one read: the bytes are not written again),
// "copied" is the copy-and-hash of earlier isoforge versions.
//
//	scripts/test-env.sh go test -run '^$' -bench ExitToOut -benchtime 1x ./engine/apply/
func BenchmarkExitToOut1GiB(b *testing.B) {
	const size = 1 << 30
	for _, e := range runtimetest.Engines(b) {
		for _, mode := range []string{"renamed", "copied"} {
			b.Run(e.Name+"/"+mode, func(b *testing.B) {
				rt := runtimetest.Open(b, e)
				for b.Loop() {
					dir := b.TempDir()
					work := filepath.Join(dir, ".isoforge", "work", "v")
					os.MkdirAll(filepath.Join(work, "artifact"), 0o755)
					var exited time.Time
					cs := runtimes.ContainerSpec{
						Name: "isoforge-bench-" + filepath.Base(dir), Image: runtimetest.BuilderImage(b),
						Command: []string{"/bin/sh", "-c", "head -c 1073741824 /dev/zero > /w/artifact/x.iso && chmod 0644 /w/artifact/x.iso && echo exiting"},
						Binds:   []runtimes.Bind{{Source: work, Target: "/w"}},
						Labels:  map[string]string{runtimes.LabelRun: "bench"},
					}
					code, err := rt.Run(context.Background(), cs, func(_, line string) {
						if line == "exiting" {
							exited = time.Now()
						}
					})
					if err != nil || code != 0 || exited.IsZero() {
						b.Fatalf("code %d err %v", code, err)
					}
					dst := filepath.Join(dir, "out", "x.iso")
					var c copied
					if mode == "renamed" {
						c, err = stageLocal(work, dst)
					} else {
						var f *os.File
						if f, err = os.Open(filepath.Join(work, "artifact", "x.iso")); err == nil {
							c, err = stageStream(f, dst)
							f.Close()
						}
					}
					if err == nil {
						err = os.Rename(c.tmp, dst)
					}
					took := time.Since(exited)
					if err != nil || c.size != size {
						b.Fatalf("staging: %v (%d bytes)", err, c.size)
					}
					b.ReportMetric(took.Seconds(), "s/GiB")
				}
			})
		}
	}
}
