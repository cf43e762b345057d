package apply

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestArtifactPipe plays the builder's side of the named pipe: what it
// streams is staged with its hash; a builder that never opens the pipe,
// replaces it, or meets a failing stage neither hangs isoforge nor
// leaves it waiting.
func TestArtifactPipe(t *testing.T) {
	body := bytes.Repeat([]byte("iso9660 "), 256<<10) // 2 MiB: many pipe buffers
	sum := sha256.Sum256(body)
	tests := []struct {
		name    string
		builder func(t *testing.T, work string)
		badDst  bool
		wantErr string
	}{
		{name: "streamed", builder: func(t *testing.T, work string) {
			f, err := os.OpenFile(filepath.Join(work, pipeName), os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			f.Write(body)
			f.Close()
		}},
		{name: "never opened", builder: func(*testing.T, string) {}, wantErr: "sent no artifact"},
		{name: "replaced by a file", builder: func(t *testing.T, work string) {
			p := filepath.Join(work, pipeName)
			os.Remove(p)
			os.WriteFile(p, body, 0o644)
		}, wantErr: "sent no artifact"},
		{name: "stage fails", badDst: true, builder: func(t *testing.T, work string) {
			f, err := os.OpenFile(filepath.Join(work, pipeName), os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			// Blocks forever unless isoforge keeps draining the pipe.
			f.Write(body)
			f.Close()
		}, wantErr: "not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			work := filepath.Join(dir, "work")
			os.MkdirAll(work, 0o755)
			dst := filepath.Join(dir, "out", "x.iso")
			if tt.badDst {
				os.WriteFile(filepath.Join(dir, "out"), nil, 0o644)
			}
			p, err := openArtifactPipe(work, dst)
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			go func() { tt.builder(t, work); close(done) }()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("the builder's side blocked on the pipe")
			}
			c, err := p.wait()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if left, _ := filepath.Glob(filepath.Join(dir, "out", ".*")); len(left) != 0 {
					t.Errorf("staging files left: %v", left)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := os.ReadFile(c.tmp)
			if c.sha256 != hex.EncodeToString(sum[:]) || c.size != int64(len(body)) || !bytes.Equal(got, body) {
				t.Errorf("staged %d bytes, sha256 %s", c.size, c.sha256)
			}
		})
	}
}
