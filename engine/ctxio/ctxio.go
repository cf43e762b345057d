// Package ctxio makes long reads stop when their context ends: hashing a
// large artifact or a nixpkgs archive must answer Ctrl-C and SIGTERM.
package ctxio

import (
	"context"
	"io"
)

// Reader returns r as a reader that fails with the context's error once
// ctx is done, checked before every read.
func Reader(ctx context.Context, r io.Reader) io.Reader {
	return reader{ctx: ctx, r: r}
}

type reader struct {
	ctx context.Context
	r   io.Reader
}

func (c reader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
