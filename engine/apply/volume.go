package apply

import (
	"context"
	"fmt"

	"github.com/isoforge/isoforge/runtimes"
)

// checkVolumeOwner refuses a store volume that isoforge did not create.
// runtime.nix_volume comes from the repository, and the builder mounts
// the volume read-write at /nix: naming another application's volume
// would let any build read and rewrite that application's data.
func (a *Applier) checkVolumeOwner(ctx context.Context) error {
	name := a.Cfg.Runtime.NixVolume
	v, err := a.Runtime.Volume(ctx, name)
	if err != nil {
		return fmt.Errorf("inspecting the Nix store volume %s: %w", name, err)
	}
	if _, ok := v.Labels[runtimes.LabelVolume]; ok {
		return nil
	}
	return fmt.Errorf("runtime.nix_volume %q names a volume isoforge did not create (it lacks the label %s), so isoforge will not mount it read-write into builders: "+
		"name a volume that does not exist yet (isoforge creates and labels it), or remove the nix_volume setting", name, runtimes.LabelVolume)
}
