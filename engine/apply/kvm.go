package apply

import (
	"context"
	"fmt"
	"strings"

	"github.com/isoforge/isoforge/runtimes"
)

// KVMUnusable is the sentence doctor, plan and a failed build print when
// a format needs KVM that the builder cannot use; why says what the
// probe or the build found.
func KVMUnusable(format, why string) string {
	return fmt.Sprintf("format %s builds its image in a VM and needs KVM, but %s. "+
		"Enable KVM on the builder host (the engine's user must be able to open /dev/kvm, e.g. group kvm on Debian/Ubuntu; see docs/builders.md) "+
		"or build an ISO, sd-card, kexec or lxc format instead.", format, why)
}

// KVMStatus is what a KVM probe found on the engine's host.
type KVMStatus struct {
	// Usable is set when a container could open /dev/kvm and create a VM
	// with it (or open it, when the image has no perl for the ioctl).
	Usable bool
	// Detail says what was checked or what failed, in one phrase.
	Detail string
}

// kvmProbeScript opens /dev/kvm read-write and issues KVM_CREATE_VM
// (_IO(0xAE, 0x01)), the first two things QEMU does with KVM, with perl
// when the image has it (Debian's perl-base); otherwise opening is all a
// POSIX shell can check. Each outcome is one "isoforge-kvm: " line.
const kvmProbeScript = `if ! [ -e /dev/kvm ]; then echo "isoforge-kvm: missing"; exit 0; fi
if ! (exec 3<>/dev/kvm) 2>/dev/null; then echo "isoforge-kvm: open-denied uid $(id -u)"; exit 0; fi
if command -v perl >/dev/null 2>&1; then
  if perl -e 'open(my $f, "+<", "/dev/kvm") or exit 2; defined(ioctl($f, 0xAE01, 0)) or exit 3'; then echo "isoforge-kvm: create-vm-ok"; else echo "isoforge-kvm: create-vm-failed"; fi
else
  echo "isoforge-kvm: open-ok"
fi
`

// ProbeKVM runs a short container from the builder image with /dev/kvm,
// on the engine's side, so the answer is right for remote engines too.
// The container carries runtimes.LabelProbe, never the build labels.
func ProbeKVM(ctx context.Context, rt runtimes.Runtime, image, runID string) (KVMStatus, error) {
	var result string
	cs := runtimes.ContainerSpec{
		Name:    "isoforge-probe-kvm-" + runID,
		Image:   image,
		Command: []string{"/bin/sh", "-c", kvmProbeScript},
		Devices: []string{"/dev/kvm"},
		Labels:  map[string]string{runtimes.LabelProbe: "kvm"},
	}
	code, err := rt.Run(ctx, cs, func(_, line string) {
		if r, ok := strings.CutPrefix(line, "isoforge-kvm: "); ok {
			result = r
		}
	})
	if err != nil {
		if ctx.Err() != nil {
			return KVMStatus{}, ctx.Err()
		}
		// Engines refuse to create a container with a device the host
		// lacks: that is the answer, not a failure of the probe.
		return KVMStatus{Detail: "the engine could not pass /dev/kvm to a container (" + firstLine(err.Error()) + ")"}, nil
	}
	if code != 0 || result == "" {
		return KVMStatus{}, fmt.Errorf("the KVM probe container exited with code %d and no result", code)
	}
	return kvmResult(result), nil
}

func kvmResult(r string) KVMStatus {
	switch {
	case r == "create-vm-ok":
		return KVMStatus{Usable: true, Detail: "a container opened /dev/kvm and created a VM (KVM_CREATE_VM)"}
	case r == "open-ok":
		return KVMStatus{Usable: true, Detail: "a container opened /dev/kvm (the image has no perl to try KVM_CREATE_VM)"}
	case r == "missing":
		return KVMStatus{Detail: "the builder host has no /dev/kvm"}
	case strings.HasPrefix(r, "open-denied"):
		return KVMStatus{Detail: "a container cannot open /dev/kvm (" + strings.TrimPrefix(r, "open-denied ") + "): permission denied"}
	default:
		return KVMStatus{Detail: "/dev/kvm opens but KVM_CREATE_VM fails (no hardware virtualisation, or it is taken)"}
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// tcgMarkers are what QEMU prints when it cannot use KVM and the machine
// allows TCG (vmTools' "-machine accel=kvm:tcg"): the build then runs,
// several times slower.
var tcgMarkers = []string{"failed to initialize kvm", "falling back to tcg", "Could not access KVM kernel module"}

// TCGWarning is the line isoforge adds to a build log the first time
// QEMU says it fell back to software emulation.
const TCGWarning = "isoforge: warning: QEMU could not use KVM and fell back to TCG software emulation: this build runs about 8x slower. Run `isoforge doctor` on the builder host."

func isTCGFallback(line string) bool {
	for _, m := range tcgMarkers {
		if strings.Contains(line, m) {
			return true
		}
	}
	return false
}
