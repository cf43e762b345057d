package spec

import (
	"runtime"
	"sync"

	"github.com/isoforge/isoforge/spec/nixsyntax"
)

// bodyParses parses nix bodies on other cores while the loader goes on
// decoding variants: a fleet's bodies are many and independent, and
// parsing them is most of the Nix check's time. Each distinct body text
// is parsed once; checkBody waits for its result. start and result are
// called by the loader alone; only the parses run on other goroutines.
type bodyParses struct {
	futures map[string]*bodyParse
	jobs    chan *bodyParse
	wg      sync.WaitGroup
}

// bodyParse is one body's parse, done when done is closed.
type bodyParse struct {
	text string
	done chan struct{}
	f    *nixsyntax.File
	err  error
}

func newBodyParses() *bodyParses {
	p := &bodyParses{futures: map[string]*bodyParse{}, jobs: make(chan *bodyParse, 64)}
	workers := max(1, runtime.GOMAXPROCS(0)-1)
	p.wg.Add(workers)
	for range workers {
		go p.work()
	}
	return p
}

func (p *bodyParses) work() {
	defer p.wg.Done()
	for j := range p.jobs {
		j.f, j.err = nixsyntax.Parse("nix", []byte(bodyPrefix+j.text+"\n}"))
		close(j.done)
	}
}

// start queues a body for parsing unless it already is.
func (p *bodyParses) start(text string) *bodyParse {
	if j, ok := p.futures[text]; ok {
		return j
	}
	j := &bodyParse{text: text, done: make(chan struct{})}
	p.futures[text] = j
	p.jobs <- j
	return j
}

// result waits for a body's parse, starting it if nobody did.
func (p *bodyParses) result(text string) (*nixsyntax.File, error) {
	j := p.start(text)
	<-j.done
	return j.f, j.err
}

// close stops the workers once every queued parse is done.
func (p *bodyParses) close() {
	close(p.jobs)
	p.wg.Wait()
}
