package vmtest

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/isoforge/isoforge/spec"
)

// Accelerators QEMU runs a VM with.
const (
	AccelKVM = "kvm"
	AccelTCG = "tcg"
)

// Paths and ports inside the QEMU container.
const (
	imageDir = "/isoforge/vm"
	// guestSSHPort is where QEMU's user-mode network forwards to the
	// VM's port 22, inside the container; the engine publishes it.
	guestSSHPort = 2222
	// guestSerialPort serves the serial console of isoforge run.
	guestSerialPort = 2223
	// ovmf is Debian's OVMF firmware (package ovmf) in the builder image.
	ovmf = "/usr/share/ovmf/OVMF.fd"
)

// Machine is one VM: the artifact it boots and how.
type Machine struct {
	// File is the artifact's file name; it is mounted read-only under
	// imageDir.
	File      string
	Product   string
	EFI       bool
	Accel     string
	MemoryMiB int
	// Serial is QEMU's -serial backend: "stdio" (the container's output)
	// when empty.
	Serial string
}

// bootArgs says how QEMU boots an artifact of a format, or why it cannot.
func bootArgs(f spec.Format, file string) ([]string, string) {
	p := path.Join(imageDir, file)
	switch f.Product {
	case "iso":
		return []string{"-cdrom", p}, ""
	case "qcow2-image", "raw-image":
		format := strings.TrimSuffix(f.Product, "-image")
		// snapshot=on: the VM's writes go to a temporary overlay, never
		// into the artifact.
		return []string{"-drive", "file=" + p + ",format=" + format + ",if=virtio,snapshot=on"}, ""
	}
	return nil, fmt.Sprintf("format %s (%s) does not boot in QEMU", f.Name, f.Product)
}

// Command is the QEMU command line the container runs: the serial
// console on stdout, no display, user-mode networking only (NAT, with
// the guest's port 22 forwarded inside the container), nothing of the
// host shared, and QEMU exits when the guest powers off or reboots.
func (m Machine) Command(f spec.Format) ([]string, string) {
	boot, skip := bootArgs(f, m.File)
	if skip != "" {
		return nil, skip
	}
	serial := m.Serial
	if serial == "" {
		serial = "stdio"
	}
	args := []string{
		"qemu-system-x86_64", "-machine", "pc", "-accel", m.Accel,
		"-m", strconv.Itoa(m.MemoryMiB), "-smp", "1",
		"-display", "none", "-serial", serial, "-monitor", "none", "-no-reboot",
		"-nic", fmt.Sprintf("user,model=e1000,hostfwd=tcp::%d-:22", guestSSHPort),
	}
	if m.EFI {
		args = append(args, "-bios", ovmf)
	}
	return append(args, boot...), ""
}
