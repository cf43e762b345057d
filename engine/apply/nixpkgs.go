package apply

import (
	"github.com/isoforge/isoforge/engine/lockfile"
	"github.com/isoforge/isoforge/engine/pin"
	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/spec"
)

// NixpkgsAccess is what a container needs to put the pinned nixpkgs in
// the shared store and build from it: FetchScript's text (which leaves
// the store path in $src), the store volume, Nix's cache directory, and
// a local checkout mounted read-only. isoforge test uses it to build
// nixpkgs' QEMU when the builder image has none.
type NixpkgsAccess struct {
	Fetch   string
	Env     map[string]string
	Volumes []runtimes.VolumeMount
	Binds   []runtimes.Bind
}

// Nixpkgs describes access to the pinned nixpkgs for cfg's builders.
func Nixpkgs(cfg *spec.Config, p lockfile.Pin) (*NixpkgsAccess, error) {
	script, err := FetchScript(p)
	if err != nil {
		return nil, err
	}
	n := &NixpkgsAccess{
		Fetch:   script,
		Env:     map[string]string{"XDG_CACHE_HOME": cacheDir, "TERM": "dumb"},
		Volumes: []runtimes.VolumeMount{{Name: cfg.Runtime.NixVolume, Target: storeMount}},
	}
	if p.Local() {
		n.Binds = []runtimes.Bind{{Source: pin.LocalPath(cfg.Dir, cfg.Nixpkgs.Path), Target: nixpkgsMount, ReadOnly: true}}
	}
	return n, nil
}
