package runtimes

import (
	"errors"
	"io"
)

// CopyInReader runs a spec's CopyIn into a pipe and returns the reading
// end, for engines whose copy API reads a tar stream.
func CopyInReader(fn func(w io.Writer) error) *io.PipeReader {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(fn(pw)) }()
	return pr
}

// Receiver is the writing end of a copy-out, for engines whose copy API
// writes a tar stream: what is written goes to a CopyOut's Receive.
type Receiver struct {
	pw   *io.PipeWriter
	done chan error
}

// Receive starts out.Receive on a pipe and returns its writing end.
func Receive(out *CopyOut) *Receiver {
	pr, pw := io.Pipe()
	r := &Receiver{pw: pw, done: make(chan error, 1)}
	go func() {
		err := out.Receive(pr)
		if err != nil {
			pr.CloseWithError(err)
		} else {
			// The tar stream's end padding is not read by Receive.
			_, _ = io.Copy(io.Discard, pr)
		}
		r.done <- err
	}()
	return r
}

// Write implements io.Writer.
func (r *Receiver) Write(p []byte) (int, error) { return r.pw.Write(p) }

// Finish ends the stream with the copy's own outcome and waits for
// Receive; it returns Receive's failure, else the copy's.
func (r *Receiver) Finish(copyErr error) error {
	r.pw.CloseWithError(copyErr)
	// Receive's own failure explains a broken pipe on the copy's side.
	if recvErr := <-r.done; recvErr != nil {
		return recvErr
	}
	return copyErr
}

// ReceiveReader hands a tar stream read from an engine to out.Receive,
// reads what it left and closes the stream.
func ReceiveReader(out *CopyOut, rc io.ReadCloser) error {
	err := out.Receive(rc)
	if err == nil {
		_, err = io.Copy(io.Discard, rc)
	}
	return errors.Join(err, rc.Close())
}
