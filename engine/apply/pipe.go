package apply

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
)

// pipeName is the named pipe in a local builder's work directory through
// which the build script streams the artifact (BuildScript: `cat
// "$artifact" > /isoforge/work/artifact.pipe`). isoforge hashes and
// writes the bytes into the output directory as they arrive, so by the
// time the container exits the artifact is staged: its bytes are written
// once, by isoforge, and never read back (BenchmarkExitToOut1GiB).
const pipeName = "artifact.pipe"

// artifactPipe receives a local builder's artifact through pipeName.
type artifactPipe struct {
	// w is isoforge's own write end: while it is open the reader never
	// sees end-of-file, whether or not the builder has opened the pipe
	// yet; closed once the container is gone, it ends the stream.
	w    *os.File
	done chan struct{}
	c    copied
	err  error
}

// openArtifactPipe creates the pipe in work and starts staging what
// arrives in it next to dst. It must run before the container starts:
// both ends are opened here, so a builder that replaces the pipe with a
// file or a link cannot make isoforge read anything else.
func openArtifactPipe(work, dst string) (*artifactPipe, error) {
	path := filepath.Join(work, pipeName)
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		return nil, fmt.Errorf("creating the artifact pipe: %w", err)
	}
	// Non-blocking: with no writer yet, opening the read end would wait.
	r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return nil, fmt.Errorf("opening the artifact pipe: %w", err)
	}
	w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("opening the artifact pipe: %w", err)
	}
	p := &artifactPipe{w: w, done: make(chan struct{})}
	go p.receive(r, dst)
	return p, nil
}

func (p *artifactPipe) receive(r *os.File, dst string) {
	defer close(p.done)
	defer r.Close()
	p.c, p.err = stageStream(r, dst)
	if p.err != nil {
		// Keep draining: a builder blocked on a full pipe never exits.
		io.Copy(io.Discard, r)
	}
}

// wait ends the stream (the container has exited, so every writer it had
// is closed) and returns the staged artifact.
func (p *artifactPipe) wait() (copied, error) {
	p.w.Close()
	<-p.done
	if p.err == nil && p.c.size == 0 {
		discard(p.c)
		return copied{}, errors.New("the builder finished but sent no artifact through " + workMount + "/" + pipeName)
	}
	return p.c, p.err
}
