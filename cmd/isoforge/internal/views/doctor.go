package views

import (
	"fmt"
	"io"
)

// Doctor prints `isoforge doctor`'s report, one finding per line.
type Doctor struct{ w io.Writer }

// NewDoctor writes the report to v's stdout.
func NewDoctor(v *View) *Doctor { return &Doctor{w: v.Out} }

// Unreachable reports an engine that did not answer.
func (d *Doctor) Unreachable(engine string, err error) {
	fmt.Fprintf(d.w, "%-8s unreachable: %v\n", engine, err)
}

// Reachable reports an engine that answered.
func (d *Doctor) Reachable(engine, version, api, endpoint string) {
	fmt.Fprintf(d.w, "%-8s ok: version %s, API %s, %s\n", engine, version, api, endpoint)
}

// Image reports whether the builder image is present.
func (d *Doctor) Image(ref string, present bool, err error) {
	switch {
	case err != nil:
		fmt.Fprintf(d.w, "         image %s: %v\n", ref, err)
	case present:
		fmt.Fprintf(d.w, "         image %s: present\n", ref)
	default:
		fmt.Fprintf(d.w, "         image %s: not present (apply pulls it)\n", ref)
	}
}

// Volume reports the Nix store volume and its size.
func (d *Doctor) Volume(name string, exists bool, size string, err error) {
	switch {
	case err != nil:
		fmt.Fprintf(d.w, "         volume %s: %v\n", name, err)
	case exists:
		fmt.Fprintf(d.w, "         volume %s: present, %s (isoforge clean -store collects its garbage)\n", name, size)
	default:
		fmt.Fprintf(d.w, "         volume %s: not created yet (the first build creates it)\n", name)
	}
}

// KVMProbe reports whether a build user in a container on this engine
// can use /dev/kvm (the probe runs in a short container, so it is right
// for remote builders too).
func (d *Doctor) KVMProbe(usable bool, detail string, err error) {
	switch {
	case err != nil:
		fmt.Fprintf(d.w, "         kvm: not checked: %v\n", err)
	case usable:
		fmt.Fprintf(d.w, "         kvm: usable (%s)\n", detail)
	default:
		fmt.Fprintf(d.w, "         kvm: NOT usable: %s; VM formats (qemu, raw, proxmox, cloud images) cannot build\n", detail)
	}
}

// AArch64 reports whether aarch64-linux variants can build on this host.
func (d *Doctor) AArch64(ok bool, detail, arch, missing string) {
	if ok {
		fmt.Fprintf(d.w, "aarch64-linux: can build (%s); emulated builds are slow\n", detail)
		return
	}
	fmt.Fprintf(d.w, "aarch64-linux: cannot build on this %s host (%s). %s\n", arch, detail, missing)
}

// Disk reports the free space where artifacts go.
func (d *Doctor) Disk(free int64, dir string) {
	fmt.Fprintf(d.w, "disk: %s free for %s\n", HumanSize(free), dir)
}
