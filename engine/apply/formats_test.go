package apply

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/isoforge/isoforge/runtimes"
	"github.com/isoforge/isoforge/spec"
)

// TestBuildScriptPerFormat: VM formats build as the user running nix
// and check /dev/kvm first, aarch64 adds extra-platforms, and formats
// whose final file nixpkgs does not declare go straight to the glob.
func TestBuildScriptPerFormat(t *testing.T) {
	tests := []struct {
		format, system string
		has, hasNot    []string
	}{
		{format: "iso-installer", system: "x86_64-linux",
			hasNot: []string{"build-users-group", "/dev/kvm", "extra-platforms"}},
		{format: "qemu-efi", system: "x86_64-linux",
			has: []string{"--option build-users-group ''", "(exec 3<>/dev/kvm)", "needs KVM", "[ \"$type\" = 'qcow2-image' ] && [ -f \"$file\" ]"}},
		{format: "sd-card", system: "aarch64-linux",
			has: []string{"--option extra-platforms aarch64-linux", "'sd-image'"}, hasNot: []string{"/dev/kvm"}},
		{format: "azure", system: "x86_64-linux",
			has: []string{"-name '*.vhd'"}, hasNot: []string{"hydra-build-products", "warning"}},
	}
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			f, _ := spec.LookupFormat(tt.format)
			got := BuildScript(f, "/nix/store/x-source", ScriptOptions{System: tt.system})
			// One fixed out-link path makes concurrent builders on a
			// shared store race in gcroots/auto (see outLinkLine).
			tt.hasNot = append(tt.hasNot, "--out-link /isoforge/work/result")
			tt.has = append(tt.has, outLinkLine+"\n", `--out-link "$link"`)
			for _, s := range tt.has {
				if !strings.Contains(got, s) {
					t.Errorf("script lacks %q:\n%s", s, got)
				}
			}
			for _, s := range tt.hasNot {
				if strings.Contains(got, s) {
					t.Errorf("script has %q:\n%s", s, got)
				}
			}
		})
	}
}

func TestTCGFallbackWarns(t *testing.T) {
	var lines []string
	o := Options{Events: func(e Event) { lines = append(lines, e.Line) }}
	l, err := newBuildLog(filepath.Join(t.TempDir(), "v.log"), "v", o, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Line("stderr", "building disk image")
	l.Line("stderr", "Could not access KVM kernel module: Permission denied")
	l.Line("stderr", "qemu-system-x86_64: failed to initialize kvm: Permission denied")
	l.Line("stderr", "qemu-system-x86_64: falling back to tcg")
	l.Close()
	n := 0
	for _, s := range lines {
		if s == TCGWarning {
			n++
		}
	}
	if n != 1 || lines[2] != TCGWarning {
		t.Fatalf("want the TCG warning once, after the first QEMU line: %q", lines)
	}
	b, _ := os.ReadFile(l.f.Name())
	if strings.Count(string(b), TCGWarning) != 1 {
		t.Errorf("log file:\n%s", b)
	}
}

func TestExecFormatErrorHint(t *testing.T) {
	l, err := newBuildLog(filepath.Join(t.TempDir(), "v.log"), "v", Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if l.Hint() != "" {
		t.Fatal("hint before any line")
	}
	l.Line("stderr", "error: executing '/opt/isoforge-test/aarch64/busybox': Exec format error")
	if h := l.Hint(); !strings.Contains(h, "qemu-user-static binfmt-support") {
		t.Errorf("hint = %q", h)
	}
}

func TestAArch64Support(t *testing.T) {
	if runtime.GOARCH == "arm64" {
		t.Skip("native aarch64: binfmt_misc is not consulted")
	}
	reg := func(content string) string {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "status"), []byte("enabled\n"), 0o644)
		if content != "" {
			os.WriteFile(filepath.Join(dir, "qemu-aarch64"), []byte(content), 0o644)
		}
		return dir
	}
	tests := []struct {
		dir    string
		ok     bool
		detail string
	}{
		{t.TempDir(), false, "not mounted"},
		{reg(""), false, "no qemu-aarch64 registration"},
		{reg("disabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: POCF\n"), false, "disabled"},
		{reg("enabled\ninterpreter /usr/bin/qemu-aarch64\nflags: OC\n"), false, "lacks the F flag"},
		{reg("enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\nflags: POCF\noffset 0\n"), true, "flags POCF"},
	}
	for _, tt := range tests {
		ok, detail := AArch64Support(tt.dir)
		if ok != tt.ok || !strings.Contains(detail, tt.detail) {
			t.Errorf("%s: got %v %q, want %v ~%q", tt.dir, ok, detail, tt.ok, tt.detail)
		}
	}
}

func TestKVMResult(t *testing.T) {
	for r, usable := range map[string]bool{"create-vm-ok": true, "open-ok": true, "missing": false, "open-denied uid 0": false, "create-vm-failed": false} {
		if got := kvmResult(r); got.Usable != usable || got.Detail == "" {
			t.Errorf("%s: %+v", r, got)
		}
	}
}

// probeRuntime is a TEST DOUBLE engine whose containers print one line.
type probeRuntime struct {
	runtimes.Runtime
	line string
	err  error
	spec runtimes.ContainerSpec
}

func (p *probeRuntime) Run(_ context.Context, cs runtimes.ContainerSpec, out runtimes.LineWriter) (int, error) {
	p.spec = cs
	if p.err != nil {
		return -1, p.err
	}
	out("stdout", p.line)
	return 0, nil
}

func TestProbeKVMContainer(t *testing.T) {
	tests := []struct {
		line   string
		err    error
		usable bool
		detail string
	}{
		{line: "isoforge-kvm: create-vm-ok", usable: true, detail: "KVM_CREATE_VM"},
		{line: "isoforge-kvm: open-denied uid 0", detail: "permission denied"},
		{line: "isoforge-kvm: missing", detail: "no /dev/kvm"},
		{err: errors.New(`error gathering device information while adding custom device "/dev/kvm": no such file or directory`), detail: "could not pass /dev/kvm"},
	}
	for _, tt := range tests {
		rt := &probeRuntime{line: tt.line, err: tt.err}
		st, err := ProbeKVM(context.Background(), rt, "img", "r1")
		if err != nil {
			t.Fatal(err)
		}
		if st.Usable != tt.usable || !strings.Contains(st.Detail, tt.detail) {
			t.Errorf("%q %v: got %+v", tt.line, tt.err, st)
		}
		cs := rt.spec
		if cs.Labels[runtimes.LabelProbe] != "kvm" || cs.Labels[runtimes.LabelConfig] != "" || cs.Labels[runtimes.LabelVariant] != "" {
			t.Errorf("probe labels %v: want io.isoforge.probe=kvm and no build labels", cs.Labels)
		}
		if len(cs.Devices) != 1 || cs.Devices[0] != "/dev/kvm" || len(cs.Binds) != 0 || len(cs.Volumes) != 0 {
			t.Errorf("probe container %+v: want /dev/kvm and nothing mounted", cs)
		}
	}
}
