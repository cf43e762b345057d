package apply

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// AArch64Missing is the sentence doctor, plan and a failed build print
// when aarch64-linux variants cannot build on an x86_64 builder.
const AArch64Missing = "system aarch64-linux needs a builder that runs aarch64 binaries: on an x86_64 host, " +
	"QEMU registered in binfmt_misc as qemu-aarch64 with the F (fix binary) flag. " +
	"On Debian/Ubuntu: apt-get install qemu-user-static binfmt-support (then `isoforge doctor` shows it). Emulated builds are slow; see docs/formats.md."

// BinfmtDir is where the kernel shows binfmt_misc registrations.
const BinfmtDir = "/proc/sys/fs/binfmt_misc"

// AArch64Support reports whether this host runs aarch64-linux builders:
// natively, or through binfmt_misc's qemu-aarch64 entry with the F flag,
// which opens the interpreter at registration so that it works inside
// containers that do not have it. dir is BinfmtDir outside tests.
func AArch64Support(dir string) (ok bool, detail string) {
	if runtime.GOARCH == "arm64" {
		return true, "native aarch64 host"
	}
	if _, err := os.Stat(filepath.Join(dir, "status")); err != nil {
		return false, "binfmt_misc is not mounted at " + dir
	}
	b, err := os.ReadFile(filepath.Join(dir, "qemu-aarch64"))
	if err != nil {
		return false, "no qemu-aarch64 registration in binfmt_misc"
	}
	entry := string(b)
	if !strings.HasPrefix(entry, "enabled") {
		return false, "the qemu-aarch64 registration is disabled"
	}
	for _, line := range strings.Split(entry, "\n") {
		if flags, ok := strings.CutPrefix(line, "flags: "); ok {
			if strings.Contains(flags, "F") {
				return true, "binfmt_misc qemu-aarch64 (flags " + flags + ")"
			}
			return false, "the qemu-aarch64 registration lacks the F flag (flags " + flags + "), so containers cannot find the interpreter"
		}
	}
	return false, "the qemu-aarch64 registration shows no flags"
}

// execFormatError is what Nix prints when the kernel cannot run a
// builder for another architecture.
const execFormatError = "Exec format error"
