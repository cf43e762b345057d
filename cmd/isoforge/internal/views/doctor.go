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

// KVM reports whether /dev/kvm exists.
func (d *Doctor) KVM(present bool) {
	if present {
		fmt.Fprintln(d.w, "/dev/kvm present: qcow and raw formats can build")
		return
	}
	fmt.Fprintln(d.w, "/dev/kvm missing: ISO formats build; qcow and raw need KVM")
}

// Disk reports the free space where artifacts go.
func (d *Doctor) Disk(free int64, dir string) {
	fmt.Fprintf(d.w, "disk: %s free for %s\n", HumanSize(free), dir)
}
