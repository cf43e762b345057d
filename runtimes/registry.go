package runtimes

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Factory opens a connection to one kind of engine (after buildx's
// driver factories).
type Factory interface {
	// Name is the engine name used in isos.hcl and -runtime.
	Name() string
	// Priority orders "auto" probing: lower is tried first.
	Priority() int
	// Open connects to ep.Host, or to the engine's usual endpoints when
	// it is "". It fails with an error wrapping ErrUnreachable when no
	// endpoint answers, naming what it tried.
	Open(ctx context.Context, ep Endpoint) (Runtime, error)
	// Hint says how to start the engine's service.
	Hint() string
}

var (
	mu        sync.Mutex
	factories = map[string]Factory{}
)

// Register adds an adapter; adapters call it from init.
func Register(f Factory) {
	mu.Lock()
	defer mu.Unlock()
	factories[f.Name()] = f
}

// Names lists the registered engines in probing order.
func Names() []string {
	mu.Lock()
	defer mu.Unlock()
	list := make([]Factory, 0, len(factories))
	for _, f := range factories {
		list = append(list, f)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Priority() < list[j].Priority() })
	names := make([]string, len(list))
	for i, f := range list {
		names[i] = f.Name()
	}
	return names
}

func lookup(name string) (Factory, error) {
	mu.Lock()
	defer mu.Unlock()
	f, ok := factories[name]
	if !ok {
		return nil, fmt.Errorf("unknown runtime %q: use auto or one of %s", name, strings.Join(sortedNames(), ", "))
	}
	return f, nil
}

func sortedNames() []string {
	return slices.Sorted(maps.Keys(factories))
}

// Open connects to the named engine; "auto" (or "") tries each registered
// engine in priority order at ep and takes the first that answers.
func Open(ctx context.Context, name string, ep Endpoint) (Runtime, error) {
	if name != "" && name != "auto" {
		f, err := lookup(name)
		if err != nil {
			return nil, err
		}
		return f.Open(ctx, ep)
	}
	var errs []string
	for _, n := range Names() {
		f, _ := lookup(n)
		rt, err := f.Open(ctx, ep)
		if err == nil {
			return rt, nil
		}
		if !errors.Is(err, ErrUnreachable) {
			return nil, err
		}
		errs = append(errs, fmt.Sprintf("  %s: %v\n    %s", n, err, f.Hint()))
	}
	if len(errs) == 0 {
		return nil, errors.New("no container runtime is compiled in")
	}
	return nil, fmt.Errorf("%w: no container engine answered:\n%s", ErrUnreachable, strings.Join(errs, "\n"))
}
