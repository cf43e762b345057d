package main

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"github.com/isoforge/isoforge/cmd/isoforge/internal/views"
	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/spec"
	"github.com/spf13/cobra"
)

func newDoctorCmd(s *streams, g *globals) *cobra.Command {
	var cf configFlags
	var rf runtimeFlags
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check what builds need: engines, builder image, Nix store volume, /dev/kvm, disk space",
		Long: `Doctor reports each container engine (reachable, version, API version,
socket), whether the builder image is present, whether KVM is usable on
the engine's host (a short probe container, labelled io.isoforge.probe,
opens /dev/kvm and creates a VM), the Nix store volume and its size,
whether aarch64-linux variants can build here (binfmt_misc), and free
disk space in the output directory. It reads
isos.hcl when there is one for the image and volume names.

Exit status: 0 when at least one engine can build, 1 when none can.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg := doctorConfig(&cf)
			d := views.NewDoctor(views.New(s.out, s.err, g.noColor))
			usable := 0
			if len(cfg.Builders) > 0 {
				usable = doctorBuilders(cmd.Context(), d, &rf, cfg)
			}
			for _, name := range runtimes.Names() {
				if len(cfg.Builders) > 0 {
					break
				}
				if rf.engine != "" && rf.engine != "auto" && rf.engine != name {
					continue
				}
				if doctorEngine(cmd, d, &rf, name, cfg) {
					usable++
				}
			}
			doctorHost(d, cfg)
			if usable == 0 {
				return &exitError{code: exitError1, err: fmt.Errorf("no container engine can build; start Podman or Docker (see above)")}
			}
			return nil
		},
	}
	cf.register(cmd)
	rf.register(cmd)
	return cmd
}

// doctorConfig loads isos.hcl when present; doctor works without one.
func doctorConfig(cf *configFlags) *spec.Config {
	cfg, _, diags := cf.load(".")
	if cfg == nil || diags.HasErrors() {
		return &spec.Config{Dir: ".", OutputDir: spec.DefaultOutputDir, Runtime: spec.Runtime{Image: spec.DefaultImage, NixVolume: spec.NixVolumeFor(spec.DefaultImage)}}
	}
	return cfg
}

func doctorEngine(cmd *cobra.Command, d *views.Doctor, rf *runtimeFlags, name string, cfg *spec.Config) bool {
	ctx := cmd.Context()
	var ep runtimes.Endpoint
	if rf.engine == name || rf.engine == "" || rf.engine == "auto" {
		ep = rf.endpoint(cfg)
	}
	rt, err := runtimes.Open(ctx, name, ep)
	if err != nil {
		d.Unreachable(name, err)
		return false
	}
	defer rt.Close()
	return doctorRuntime(ctx, d, name, rt, cfg)
}

// doctorRuntime reports one reachable engine: version, image, KVM (probed
// through the engine, so on its host), the volume and, for an engine on
// another host, free space there.
func doctorRuntime(ctx context.Context, d *views.Doctor, name string, rt runtimes.Runtime, cfg *spec.Config) bool {
	info, err := rt.Info(ctx)
	if err != nil {
		d.Unreachable(name, err)
		return false
	}
	d.Reachable(name, info.Version, info.APIVersion, info.Endpoint)
	present, err := rt.ImageExists(ctx, cfg.Runtime.Image)
	d.Image(cfg.Runtime.Image, present, err)
	st, err := probeWith(ctx, rt, cfg.Runtime.Image)
	d.KVMProbe(st.Usable, st.Detail, err)
	vol, err := rt.Volume(ctx, cfg.Runtime.NixVolume)
	if rt.SharesHostFS() {
		d.Volume(cfg.Runtime.NixVolume, vol.Exists, dirSize(vol.Mountpoint), err)
		return true
	}
	d.Volume(cfg.Runtime.NixVolume, vol.Exists, "on the builder's host", err)
	if present {
		if free, err := remoteFree(ctx, rt, cfg.Runtime.Image); err == nil {
			d.BuilderDisk(free)
		}
	}
	return true
}

// remoteFree is the free space of a remote engine's container storage,
// read by df in a short container there.
func remoteFree(ctx context.Context, rt runtimes.Runtime, image string) (int64, error) {
	var last string
	code, err := rt.Run(ctx, runtimes.ContainerSpec{
		Name: "isoforge-doctor-" + newRunID(), Image: image,
		Command: []string{"/bin/sh", "-c", "df -Pk / | tail -n 1"},
		Labels:  map[string]string{runtimes.LabelRun: "doctor"},
	}, func(_, line string) { last = line })
	if err != nil || code != 0 {
		return 0, fmt.Errorf("df in a container failed (exit %d): %v", code, err)
	}
	f := strings.Fields(last)
	if len(f) < 4 {
		return 0, fmt.Errorf("unexpected df output %q", last)
	}
	kb, err := strconv.ParseInt(f[3], 10, 64)
	return kb << 10, err
}

// doctorBuilders reports each builder block; it returns how many can build.
func doctorBuilders(ctx context.Context, d *views.Doctor, rf *runtimeFlags, cfg *spec.Config) int {
	sel, err := rf.selectedBuilders(cfg)
	if err != nil {
		d.Unreachable("builders", err)
		return 0
	}
	usable := 0
	for _, b := range sel {
		rt, err := runtimes.Open(ctx, b.Engine, runtimes.Endpoint{Host: b.Host, Identity: b.Identity, KnownHosts: b.KnownHosts})
		if err != nil {
			d.Unreachable(b.Name, err)
			continue
		}
		if doctorRuntime(ctx, d, b.Name, rt, cfg) {
			usable++
		}
		rt.Close()
	}
	return usable
}

func doctorHost(d *views.Doctor, cfg *spec.Config) {
	ok, detail := apply.AArch64Support(apply.BinfmtDir)
	d.AArch64(ok, detail, runtime.GOARCH, apply.AArch64Missing)
	out := filepath.Join(cfg.Dir, cfg.OutputDir)
	probe := out
	for {
		if _, err := os.Stat(probe); err == nil || probe == filepath.Dir(probe) {
			break
		}
		probe = filepath.Dir(probe)
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(probe, &st); err == nil {
		d.Disk(int64(st.Bavail)*int64(st.Bsize), out) // Bsize is uint32 on darwin
	}
}

// dirSize sums a volume's files when its mountpoint is readable here
// (rootful engines on this host); otherwise it says so.
func dirSize(root string) string {
	if root == "" {
		return "size unknown"
	}
	var total int64
	err := filepath.WalkDir(root, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if info, e := d.Info(); e == nil && info.Mode().IsRegular() {
			total += info.Size()
		}
		return nil
	})
	if err != nil {
		return "size unknown (" + root + " not readable here)"
	}
	return views.HumanSize(total)
}
