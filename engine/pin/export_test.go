package pin

import (
	"context"
	"io"
)

// UnpackBoth unpacks a gzipped tarball and returns the NAR hash streamed
// while unpacking (ok is false when the stream gave up) and the hash of
// the finished tree, for tests to compare.
func UnpackBoth(r io.Reader) (streamed string, ok bool, tree string, err error) {
	root, stream, err := unpack(context.Background(), r)
	if err != nil {
		return "", false, "", err
	}
	streamed, ok = stream.sum()
	tree, err = narHash(root)
	return streamed, ok, tree, err
}
