package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

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
socket), whether the builder image is present, the Nix store volume and
its size, /dev/kvm, and free disk space in the output directory. It reads
isos.hcl when there is one for the image and volume names.

Exit status: 0 when at least one engine can build, 1 when none can.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg := doctorConfig(&cf)
			usable := 0
			if len(cfg.Builders) > 0 {
				usable = doctorBuilders(cmd.Context(), s.out, &rf, cfg)
			}
			for _, name := range runtimes.Names() {
				if len(cfg.Builders) > 0 {
					break
				}
				if rf.engine != "" && rf.engine != "auto" && rf.engine != name {
					continue
				}
				if doctorEngine(cmd, s.out, &rf, name, cfg) {
					usable++
				}
			}
			doctorHost(s.out, cfg)
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

func doctorEngine(cmd *cobra.Command, w io.Writer, rf *runtimeFlags, name string, cfg *spec.Config) bool {
	ctx := cmd.Context()
	var ep runtimes.Endpoint
	if rf.engine == name || rf.engine == "" || rf.engine == "auto" {
		ep = rf.endpoint(cfg)
	}
	rt, err := runtimes.Open(ctx, name, ep)
	if err != nil {
		fmt.Fprintf(w, "%-8s unreachable: %v\n", name, err)
		return false
	}
	defer rt.Close()
	return doctorRuntime(ctx, w, name, rt, cfg)
}

// doctorRuntime reports one reachable engine: version, image, volume and,
// for an engine on another host, KVM and free space on that host.
func doctorRuntime(ctx context.Context, w io.Writer, label string, rt runtimes.Runtime, cfg *spec.Config) bool {
	info, err := rt.Info(ctx)
	if err != nil {
		fmt.Fprintf(w, "%-8s unreachable: %v\n", label, err)
		return false
	}
	fmt.Fprintf(w, "%-8s ok: version %s, API %s, %s\n", label, info.Version, info.APIVersion, info.Endpoint)
	present, err := rt.ImageExists(ctx, cfg.Runtime.Image)
	switch {
	case err != nil:
		fmt.Fprintf(w, "         image %s: %v\n", cfg.Runtime.Image, err)
	case present:
		fmt.Fprintf(w, "         image %s: present\n", cfg.Runtime.Image)
	default:
		fmt.Fprintf(w, "         image %s: not present (apply pulls it)\n", cfg.Runtime.Image)
	}
	vol, err := rt.Volume(ctx, cfg.Runtime.NixVolume)
	switch {
	case err != nil:
		fmt.Fprintf(w, "         volume %s: %v\n", cfg.Runtime.NixVolume, err)
	case vol.Exists && rt.SharesHostFS():
		fmt.Fprintf(w, "         volume %s: present, %s\n", cfg.Runtime.NixVolume, dirSize(vol.Mountpoint))
	case vol.Exists:
		fmt.Fprintf(w, "         volume %s: present on the builder's host\n", cfg.Runtime.NixVolume)
	default:
		fmt.Fprintf(w, "         volume %s: not created yet (the first build creates it)\n", cfg.Runtime.NixVolume)
	}
	if !rt.SharesHostFS() && present {
		doctorRemoteHost(ctx, w, rt, cfg)
	}
	return true
}

// doctorRemoteHost looks at KVM and disk space where a remote engine
// runs, from inside a short container: this machine's /dev/kvm and disks
// say nothing about that host.
func doctorRemoteHost(ctx context.Context, w io.Writer, rt runtimes.Runtime, cfg *spec.Config) {
	var lines []string
	probe := runtimes.ContainerSpec{
		Name: "isoforge-doctor-" + newRunID(), Image: cfg.Runtime.Image,
		Command: []string{"/bin/sh", "-c", "df -Pk / | tail -n 1"},
		Labels:  map[string]string{runtimes.LabelRun: "doctor"},
	}
	collect := func(_, line string) { lines = append(lines, line) }
	if code, err := rt.Run(ctx, probe, collect); err == nil && code == 0 && len(lines) > 0 {
		if f := strings.Fields(lines[len(lines)-1]); len(f) >= 4 {
			if kb, err := strconv.ParseInt(f[3], 10, 64); err == nil {
				fmt.Fprintf(w, "         disk on the builder's host: %s free\n", humanSize(kb<<10))
			}
		}
	}
	probe.Name, probe.Devices = "isoforge-doctor-"+newRunID(), []string{"/dev/kvm"}
	probe.Command = []string{"/bin/sh", "-c", "test -c /dev/kvm"}
	if code, err := rt.Run(ctx, probe, func(string, string) {}); err == nil && code == 0 {
		fmt.Fprintln(w, "         /dev/kvm on the builder's host: present (qcow and raw can build)")
	} else {
		fmt.Fprintln(w, "         /dev/kvm on the builder's host: missing (ISO formats build; qcow and raw need KVM)")
	}
}

// doctorBuilders reports each builder block; it returns how many can build.
func doctorBuilders(ctx context.Context, w io.Writer, rf *runtimeFlags, cfg *spec.Config) int {
	sel, err := rf.selectedBuilders(cfg)
	if err != nil {
		fmt.Fprintln(w, err)
		return 0
	}
	usable := 0
	for _, b := range sel {
		rt, err := runtimes.Open(ctx, b.Engine, runtimes.Endpoint{Host: b.Host, Identity: b.Identity, KnownHosts: b.KnownHosts})
		if err != nil {
			fmt.Fprintf(w, "%-8s unreachable: %v\n", b.Name, err)
			continue
		}
		if doctorRuntime(ctx, w, b.Name, rt, cfg) {
			usable++
		}
		rt.Close()
	}
	return usable
}

func doctorHost(w io.Writer, cfg *spec.Config) {
	if _, err := os.Stat("/dev/kvm"); err == nil {
		fmt.Fprintln(w, "/dev/kvm present: qcow and raw formats can build")
	} else {
		fmt.Fprintln(w, "/dev/kvm missing: ISO formats build; qcow and raw need KVM")
	}
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
		fmt.Fprintf(w, "disk: %s free for %s\n", humanSize(int64(st.Bavail)*st.Bsize), out)
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
	return humanSize(total)
}
