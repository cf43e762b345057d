package render_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/isoforge/isoforge/engine/render"
	"github.com/isoforge/isoforge/runtimes/runtimetest"
	"github.com/isoforge/isoforge/spec"
)

// report is what the nixpkgs stand-in's ISO embeds: the configuration
// the real NixOS module system evaluated (testdata/nixpkgs-standin/nixos/
// lib/standin-report.nix).
type report struct {
	HostName       string   `json:"hostName"`
	AuthorizedKeys []string `json:"authorizedKeys"`
	KernelParams   []string `json:"kernelParams"`
	Packages       []string `json:"packages"`
	OpenSSH        struct {
		Enable                 bool  `json:"enable"`
		PasswordAuthentication *bool `json:"PasswordAuthentication"`
	} `json:"openssh"`
	Firewall struct {
		AllowedTCPPorts []int `json:"allowedTCPPorts"`
	} `json:"firewall"`
	Wireless struct {
		Enable   bool     `json:"enable"`
		Networks []string `json:"networks"`
	} `json:"wireless"`
	WantedBy            []string `json:"wpaSupplicantWantedBy"`
	VolumeID            *string  `json:"volumeID"`
	MakeEfiBootable     *bool    `json:"makeEfiBootable"`
	MakeUsbBootable     *bool    `json:"makeUsbBootable"`
	SquashfsCompression *string  `json:"squashfsCompression"`
	StateVersion        string   `json:"stateVersion"`
	Nixos               struct {
		Release       string  `json:"release"`
		Revision      *string `json:"revision"`
		VersionSuffix string  `json:"versionSuffix"`
	} `json:"nixos"`
	Warnings []string `json:"warnings"`
}

// evalStandin evaluates a rendered module with the nixpkgs stand-in on
// the real module system: unknown options and conflicting definitions
// fail here exactly as on NixOS. src is the configuration directory the
// builder would mount at /isoforge/src.
func evalStandin(t *testing.T, module []byte, src string) report {
	t.Helper()
	mod := bytes.Replace(module, []byte("src = "+render.SrcMount+";"), []byte("src = "+src+";"), 1)
	var r report
	evalWithStandin(t, mod, func(standin string) string {
		return fmt.Sprintf(`let
  config = (import %s/nixos { configuration = ./iso.nix; system = "x86_64-linux"; }).config;
  failed = builtins.filter (a: !a.assertion) config.assertions;
in
  if failed != [ ] then throw "failed assertions: ${toString (map (a: a.message) failed)}"
  else builtins.fromJSON config.system.build.isoImage.report // { inherit (config) warnings; }`, standin)
	}, &r)
	return r
}

// evalWithStandin writes module as iso.nix, evaluates the expression
// expr builds around the assembled stand-in, and decodes its JSON into
// out. It skips, with the reason, where the stand-in lacks the real lib.
func evalWithStandin(t *testing.T, module []byte, expr func(standin string) string, out any) {
	t.Helper()
	needNix(t)
	standin := runtimetest.StandinPath(t)
	if _, err := os.Stat(filepath.Join(standin, "lib", "default.nix")); err != nil {
		t.Skip("the nixpkgs stand-in has no real nixpkgs lib (logged above): cannot evaluate with the module system")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "iso.nix"), module, 0o644); err != nil {
		t.Fatal(err)
	}
	nixEval(t, dir, expr(standin), out)
}

// checkEvaluated asserts what every rendered variant must evaluate to.
func checkEvaluated(t *testing.T, v spec.Variant, revision string, r report) {
	t.Helper()
	f, _ := spec.LookupFormat(v.Format)
	wantHost := v.Hostname
	if wantHost == "" {
		wantHost = "nixos"
	}
	errorIf(t, r.HostName != wantHost, "hostName = %q, want %q", r.HostName, wantHost)
	errorIf(t, !slices.Equal(r.AuthorizedKeys, trimmed(v.SSHKeys)), "root's keys = %q, want %q", r.AuthorizedKeys, v.SSHKeys)
	wantSSH := len(v.SSHKeys) > 0 || f.Installer
	errorIf(t, r.OpenSSH.Enable != wantSSH, "services.openssh.enable = %v, want %v (keys: %d, installer: %v)", r.OpenSSH.Enable, wantSSH, len(v.SSHKeys), f.Installer)
	for _, p := range v.KernelParams {
		errorIf(t, !slices.Contains(r.KernelParams, p), "kernelParams %q lack %q", r.KernelParams, p)
	}
	for _, p := range v.Packages {
		errorIf(t, !slices.Contains(r.Packages, p), "systemPackages %q lack %q", r.Packages, p)
	}
	if f.Product == "iso" {
		// UEFI unless the efi attribute says otherwise.
		wantEFI := v.EFI == nil || *v.EFI
		errorIf(t, r.MakeEfiBootable == nil || *r.MakeEfiBootable != wantEFI || r.MakeUsbBootable == nil || !*r.MakeUsbBootable,
			"an ISO must boot from USB, and on UEFI unless efi = false: makeEfiBootable=%v makeUsbBootable=%v", deref(r.MakeEfiBootable), deref(r.MakeUsbBootable))
	}
	errorIf(t, r.StateVersion != r.Nixos.Release, "stateVersion = %q, want the release %q", r.StateVersion, r.Nixos.Release)
	for _, w := range r.Warnings {
		t.Errorf("NixOS warns: %s", w)
	}
	if revision != "" {
		errorIf(t, r.Nixos.Revision == nil || *r.Nixos.Revision != revision, "system.nixos.revision = %v, want %s", r.Nixos.Revision, revision)
		errorIf(t, r.Nixos.VersionSuffix != "."+revision[:12], "versionSuffix = %q", r.Nixos.VersionSuffix)
	}
	if v.Wifi != nil {
		errorIf(t, !r.Wireless.Enable || !slices.Contains(r.Wireless.Networks, v.Wifi.SSID), "wifi: wireless %+v", r.Wireless)
		errorIf(t, !slices.Contains(r.WantedBy, "multi-user.target"), "wpa_supplicant.wantedBy = %q: it does not start at boot", r.WantedBy)
	}
	if v.SquashfsCompression != "" {
		errorIf(t, r.SquashfsCompression == nil || *r.SquashfsCompression != v.SquashfsCompression, "squashfsCompression = %v", r.SquashfsCompression)
	}
}

// TestCorpusEvaluatesWithTheModuleSystem: every corpus variant is a
// module the real module system accepts, with the values the rules say.
func TestCorpusEvaluatesWithTheModuleSystem(t *testing.T) {
	dir, _ := filepath.Abs(filepath.Join("testdata", "corpus"))
	cfg, diags := spec.NewLoader().Load(dir, spec.Options{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	for _, v := range cfg.Variants {
		t.Run(v.Name, func(t *testing.T) {
			r := evalStandin(t, render.Module(v, render.Options{Revision: corpusRevision}), dir)
			checkEvaluated(t, v, corpusRevision, r)
			if v.Name != "merge" {
				return
			}
			// The nix body adds to what the settings and modules set.
			for _, p := range []string{"console=ttyS0,115200", "panic=30", "quiet"} {
				errorIf(t, !slices.Contains(r.KernelParams, p), "kernelParams %q lack %q", r.KernelParams, p)
			}
			for _, p := range []string{"htop", "vim", "git"} {
				errorIf(t, !slices.Contains(r.Packages, p), "systemPackages %q lack %q", r.Packages, p)
			}
			errorIf(t, !slices.Contains(r.Firewall.AllowedTCPPorts, 8080), "the nix body's import was not merged: %v", r.Firewall.AllowedTCPPorts)
		})
	}
}

// TestExamplesEvaluateWithTheModuleSystem does the same for every example.
func TestExamplesEvaluateWithTheModuleSystem(t *testing.T) {
	examples, _ := filepath.Glob("../../examples/*/isos.hcl")
	for _, ex := range examples {
		dir, _ := filepath.Abs(filepath.Dir(ex))
		cfg := loadExample(t, filepath.Base(dir))
		for _, v := range cfg.Variants {
			t.Run(filepath.Base(dir)+"/"+v.Name, func(t *testing.T) {
				r := evalStandin(t, render.Module(v, render.Options{}), dir)
				checkEvaluated(t, v, "", r)
				if strings.HasPrefix(v.Name, "site-") {
					errorIf(t, !slices.Contains(r.WantedBy, "multi-user.target"), "%s: wpa_supplicant does not start at boot: %q", v.Name, r.WantedBy)
					errorIf(t, r.OpenSSH.PasswordAuthentication == nil || *r.OpenSSH.PasswordAuthentication, "%s: PasswordAuthentication is not false", v.Name)
				}
			})
		}
	}
}

func errorIf(t *testing.T, cond bool, format string, args ...any) {
	t.Helper()
	if cond {
		t.Errorf(format, args...)
	}
}

func trimmed(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

func deref(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}
