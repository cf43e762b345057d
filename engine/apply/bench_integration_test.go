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
// ready to be renamed into place. "piped" is what apply does: the
// builder streams the artifact through the work directory's named pipe
// and isoforge hashes and writes it as it arrives (bytes written once);
// "copied" is the path of earlier isoforge versions: the builder copies
// the file into the work directory, and isoforge copies and hashes it
// after the exit.
//
//	scripts/test-env.sh go test -run '^$' -bench ExitToOut -benchtime 1x ./engine/apply/
func BenchmarkExitToOut1GiB(b *testing.B) {
	const size = 1 << 30
	const write = "head -c 1073741824 /dev/zero > "
	for _, e := range runtimetest.Engines(b) {
		for _, mode := range []string{"piped", "copied"} {
			b.Run(e.Name+"/"+mode, func(b *testing.B) {
				rt := runtimetest.Open(b, e)
				for b.Loop() {
					dir := b.TempDir()
					work := filepath.Join(dir, ".isoforge", "work", "v")
					dst := filepath.Join(dir, "out", "x.iso")
					os.MkdirAll(filepath.Join(work, "artifact"), 0o755)
					script := write + "/w/artifact/x.iso"
					var pipe *artifactPipe
					if mode == "piped" {
						var err error
						if pipe, err = openArtifactPipe(work, dst); err != nil {
							b.Fatal(err)
						}
						script = write + "/w/" + pipeName
					}
					var exited time.Time
					cs := runtimes.ContainerSpec{
						Name: "isoforge-bench-" + filepath.Base(dir), Image: runtimetest.BuilderImage(b),
						Command: []string{"/bin/sh", "-c", script + " && echo exiting"},
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
					var c copied
					if pipe != nil {
						c, err = pipe.wait()
					} else {
						var f *os.File
						if f, err = os.Open(filepath.Join(work, "artifact", "x.iso")); err == nil {
							c, err = stageStream(f, dst)
							f.Close()
						}
					}
					took := time.Since(exited)
					if err != nil || c.size != size {
						b.Fatalf("staging: %v (%d bytes)", err, c.size)
					}
					os.Remove(c.tmp)
					b.ReportMetric(took.Seconds(), "s/GiB")
				}
			})
		}
	}
}
