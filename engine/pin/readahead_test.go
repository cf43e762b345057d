package pin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"testing/iotest"
	"time"
)

// TestReadAhead: the same bytes in order, the source's error after them,
// and a cancelled context ends the reading goroutine.
func TestReadAhead(t *testing.T) {
	data := make([]byte, 3*readAheadChunk+123)
	for i := range data {
		data[i] = byte(i * 7)
	}
	got, err := io.ReadAll(iotest.OneByteReader(newReadAhead(context.Background(), bytes.NewReader(data))))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("read %d of %d bytes, err %v", len(got), len(data), err)
	}

	boom := errors.New("connection reset")
	r := newReadAhead(context.Background(), io.MultiReader(bytes.NewReader(data[:1000]), iotest.ErrReader(boom)))
	if got, err := io.ReadAll(r); !errors.Is(err, boom) || len(got) != 1000 {
		t.Fatalf("read %d bytes, err %v; want 1000 and %v", len(got), err, boom)
	}

	ctx, cancel := context.WithCancel(context.Background())
	endless := newReadAhead(ctx, zeros{})
	endless.Read(make([]byte, 10))
	cancel()
	done := make(chan struct{})
	go func() {
		io.Copy(io.Discard, endless)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("a cancelled read-ahead kept reading")
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }
