package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/engine/plan"
	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/spec"
)

// pendingNeeds lists the variants of pending builds whose format boots a
// VM (KVM) and those whose system is aarch64-linux.
func pendingNeeds(pl *plan.Plan) (kvm, aarch64 []string) {
	for _, a := range pl.Actions {
		if a.Kind != plan.Create && a.Kind != plan.Rebuild {
			continue
		}
		if f, ok := spec.LookupFormat(a.Spec.Format); ok && f.NeedsKVM {
			kvm = append(kvm, a.Variant)
		}
		if a.Spec.System == "aarch64-linux" {
			aarch64 = append(aarch64, a.Variant)
		}
	}
	return kvm, aarch64
}

// warnHostNeeds tells plan's user up front what the builder host lacks
// for the pending builds: usable KVM (probed in a short container on the
// engine's side) and aarch64 emulation (binfmt_misc on this machine).
// It never fails the plan.
func warnHostNeeds(ctx context.Context, w io.Writer, pl *plan.Plan, cfg *spec.Config) {
	warnNeeds(ctx, w, pl, hostProbes{
		binfmtDir: apply.BinfmtDir,
		kvm: func(ctx context.Context) (apply.KVMStatus, error) {
			return probeKVM(ctx, (&runtimeFlags{}).name(cfg), "", cfg.Runtime.Image)
		},
	})
}

// hostProbes are how warnNeeds looks at the host; tests replace them.
type hostProbes struct {
	binfmtDir string
	kvm       func(context.Context) (apply.KVMStatus, error)
}

func warnNeeds(ctx context.Context, w io.Writer, pl *plan.Plan, p hostProbes) {
	kvm, arm := pendingNeeds(pl)
	if len(arm) > 0 {
		if ok, detail := apply.AArch64Support(p.binfmtDir); !ok {
			fmt.Fprintf(w, "Warning: %s (variants %v; here: %s)\n", apply.AArch64Missing, arm, detail)
		}
	}
	if len(kvm) == 0 {
		return
	}
	st, err := p.kvm(ctx)
	switch {
	case err != nil:
		fmt.Fprintf(w, "Note: could not check KVM for %v: %v\n", kvm, err)
	case !st.Usable:
		f, _ := spec.LookupFormat(firstFormat(pl, kvm[0]))
		fmt.Fprintf(w, "Warning: %s (variants %v)\n", apply.KVMUnusable(f.Name, st.Detail), kvm)
	}
}

func firstFormat(pl *plan.Plan, variant string) string {
	i := slices.IndexFunc(pl.Actions, func(a plan.Action) bool { return a.Variant == variant })
	return pl.Actions[i].Spec.Format
}

// probeKVM opens the engine and runs apply.ProbeKVM with the builder
// image, when the image is present (a probe never pulls).
func probeKVM(ctx context.Context, engine, host, image string) (apply.KVMStatus, error) {
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	rt, err := runtimes.Open(ctx, engine, host)
	if err != nil {
		return apply.KVMStatus{}, err
	}
	defer rt.Close()
	return probeWith(ctx, rt, image)
}

func probeWith(ctx context.Context, rt runtimes.Runtime, image string) (apply.KVMStatus, error) {
	present, err := rt.ImageExists(ctx, image)
	if err != nil {
		return apply.KVMStatus{}, err
	}
	if !present {
		return apply.KVMStatus{}, fmt.Errorf("builder image %s is not present yet (apply pulls it)", image)
	}
	return apply.ProbeKVM(ctx, rt, image, strconv.FormatInt(time.Now().UnixNano(), 36))
}
