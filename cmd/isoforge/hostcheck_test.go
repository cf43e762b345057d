package main

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/isoforge/isoforge/engine/apply"
	"github.com/isoforge/isoforge/engine/plan"
	"github.com/isoforge/isoforge/spec"
)

type hostCase struct {
	name    string
	actions []plan.Action
	kvm     func(context.Context) (apply.KVMStatus, error)
	want    []string
	probed  bool
}

// TestPlanWarnsAboutHostNeeds: plan says up front when pending builds
// need KVM the engine's host lacks or aarch64 emulation this host lacks,
// probes only when a pending build needs it, and never for up-to-date
// variants.
func TestPlanWarnsAboutHostNeeds(t *testing.T) {
	act := func(name, format, system string, k plan.Kind) plan.Action {
		return plan.Action{Variant: name, Kind: k, Spec: spec.Variant{Name: name, Format: format, System: system}}
	}
	noKVM := func(context.Context) (apply.KVMStatus, error) {
		return apply.KVMStatus{Detail: "the builder host has no /dev/kvm"}, nil
	}
	tests := []hostCase{
		{name: "no KVM", actions: []plan.Action{act("vm", "qemu-efi", "x86_64-linux", plan.Create), act("live", "iso", "x86_64-linux", plan.Create)},
			kvm: noKVM, probed: true,
			want: []string{"Warning: format qemu-efi builds its image in a VM and needs KVM, but the builder host has no /dev/kvm.", "(variants [vm])"}},
		{name: "KVM usable", actions: []plan.Action{act("vm", "proxmox", "x86_64-linux", plan.Rebuild)},
			kvm:    func(context.Context) (apply.KVMStatus, error) { return apply.KVMStatus{Usable: true}, nil },
			probed: true},
		{name: "engine down", actions: []plan.Action{act("vm", "raw", "x86_64-linux", plan.Create)},
			kvm:    func(context.Context) (apply.KVMStatus, error) { return apply.KVMStatus{}, errors.New("no engine") },
			probed: true, want: []string{"Note: could not check KVM for [vm]: no engine"}},
		{name: "up to date", actions: []plan.Action{act("vm", "qemu", "x86_64-linux", plan.NoOp)}, kvm: noKVM},
		{name: "no VM", actions: []plan.Action{act("ct", "lxc", "x86_64-linux", plan.Create)}, kvm: noKVM},
	}
	if runtime.GOARCH != "arm64" {
		tests = append(tests, hostCase{name: "no binfmt", actions: []plan.Action{act("arm", "sd-card", "aarch64-linux", plan.Create)}, kvm: noKVM,
			want: []string{"apt-get install qemu-user-static binfmt-support", "(variants [arm]; here: binfmt_misc is not mounted"}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			probed := false
			probe := func(ctx context.Context) (apply.KVMStatus, error) { probed = true; return tt.kvm(ctx) }
			var out strings.Builder
			warnNeeds(context.Background(), &out, &plan.Plan{Actions: tt.actions}, hostProbes{binfmtDir: t.TempDir(), kvm: probe})
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			if len(tt.want) == 0 && out.Len() > 0 {
				t.Errorf("unexpected output:\n%s", out.String())
			}
			if probed != tt.probed {
				t.Errorf("probed = %v, want %v", probed, tt.probed)
			}
		})
	}
}
