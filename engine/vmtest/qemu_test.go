package vmtest

import (
	"strings"
	"testing"
	"time"

	"github.com/isoforge/isoforge/spec"
)

func TestCommandBootsEachFormat(t *testing.T) {
	tests := []struct {
		format, want, skip string
		efi                bool
	}{
		{format: "install-iso", want: "-cdrom /isoforge/vm/a.iso"},
		{format: "qcow", want: "-drive file=/isoforge/vm/a.iso,format=qcow2,if=virtio,snapshot=on"},
		{format: "raw", efi: true, want: "-bios /usr/share/ovmf/OVMF.fd -drive file=/isoforge/vm/a.iso,format=raw,if=virtio,snapshot=on"},
		{format: "lxc-tarball", skip: "format lxc-tarball (tarball) does not boot in QEMU"},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			f, ok := spec.LookupFormat(tt.format)
			if !ok {
				f = spec.Format{Name: tt.format, Product: "tarball"}
			}
			cmd, skip := Machine{File: "a.iso", Accel: AccelTCG, MemoryMiB: 1024, EFI: tt.efi}.Command(f)
			if skip != tt.skip {
				t.Fatalf("skip = %q, want %q", skip, tt.skip)
			}
			line := strings.Join(cmd, " ")
			if tt.skip == "" && (!strings.HasSuffix(line, tt.want) || !strings.Contains(line, "-accel tcg -m 1024") ||
				!strings.Contains(line, "-nic user,model=e1000,hostfwd=tcp::2222-:22")) {
				t.Errorf("command %q, want it to end with %q", line, tt.want)
			}
		})
	}
}

func TestDurationAndProgram(t *testing.T) {
	for d, want := range map[time.Duration]string{3 * time.Minute: "3m", 40 * time.Second: "40s", 90 * time.Second: "1m30s", 2 * time.Hour: "2h"} {
		if got := duration(d); got != want {
			t.Errorf("duration(%v) = %q, want %q", d, got, want)
		}
	}
	for pkg, want := range map[string]string{"htop": "htop", "python3Packages.requests": "requests"} {
		if got := Program(pkg); got != want {
			t.Errorf("Program(%q) = %q, want %q", pkg, got, want)
		}
	}
}

func TestParseKeyNeverQuotesTheKey(t *testing.T) {
	_, err := ParseKey([]byte("-----BEGIN OPENSSH PRIVATE KEY-----\nsecretsecret\n-----END OPENSSH PRIVATE KEY-----\n"), "keys/test")
	if err == nil || strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "keys/test") {
		t.Errorf("ParseKey error = %v", err)
	}
}
