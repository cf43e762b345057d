package pin

import (
	"context"
	"io"
)

// readAhead runs r's reads (the download and its decompression) on
// another core, chunks ahead of the consumer (untarring and copying into
// memory): on nixpkgs, inflate alone is most of the time of a lock, and
// the rest then overlaps with it instead of following it.
type readAhead struct {
	chunks chan []byte
	free   chan []byte
	buf    []byte // the chunk being read, whole
	cur    []byte // what is left of it
	err    error
	errc   chan error
}

const (
	readAheadChunk = 256 << 10
	readAheadDepth = 8
)

// newReadAhead starts reading r until it fails or ctx ends; the returned
// reader yields the same bytes and then r's error (io.EOF at the end).
// The caller cancels ctx when it stops reading early, which ends the
// goroutine.
func newReadAhead(ctx context.Context, r io.Reader) *readAhead {
	ra := &readAhead{chunks: make(chan []byte, readAheadDepth), free: make(chan []byte, readAheadDepth+2), errc: make(chan error, 1)}
	for range readAheadDepth + 2 {
		ra.free <- make([]byte, readAheadChunk)
	}
	go ra.fill(ctx, r)
	return ra
}

func (ra *readAhead) fill(ctx context.Context, r io.Reader) {
	defer close(ra.chunks)
	for {
		var buf []byte
		select {
		case buf = <-ra.free:
		case <-ctx.Done():
			ra.errc <- ctx.Err()
			return
		}
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			select {
			case ra.chunks <- buf[:n]:
			case <-ctx.Done():
				ra.errc <- ctx.Err()
				return
			}
		}
		if err == io.ErrUnexpectedEOF {
			err = io.EOF
		}
		if err != nil {
			ra.errc <- err
			return
		}
	}
}

// Read implements io.Reader.
func (ra *readAhead) Read(p []byte) (int, error) {
	for len(ra.cur) == 0 {
		if ra.err != nil {
			return 0, ra.err
		}
		if ra.buf != nil {
			ra.free <- ra.buf[:cap(ra.buf)]
			ra.buf = nil
		}
		buf, ok := <-ra.chunks
		if !ok {
			ra.err = <-ra.errc
			continue
		}
		ra.buf, ra.cur = buf, buf
	}
	n := copy(p, ra.cur)
	ra.cur = ra.cur[n:]
	return n, nil
}
