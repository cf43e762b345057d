package runtimetest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/isoforge/isoforge/runtimes/runtimetest"
)

// standinCase evaluates expr (over `config`) for a configuration that
// imports the given modules, and expects either the JSON value want or an
// evaluation error containing every wantErr string.
type standinCase struct {
	name    string
	modules []string
	expr    string
	want    string
	wantErr []string
	// wantStderr must appear in the evaluation's stderr (warnings).
	wantStderr string
}

const installer = `{ modulesPath, ... }: { imports = [ "${modulesPath}/installer/cd-dvd/installation-cd-minimal.nix" ]; }`

var standinCases = []standinCase{
	{
		name:    "unknown option",
		modules: []string{`{ services.nosuchservice.enable = true; }`},
		expr:    `config.services.nosuchservice.enable`,
		wantErr: []string{"The option `services.nosuchservice' does not exist", "m0.nix"},
	},
	{
		name:    "conflicting definitions",
		modules: []string{`{ networking.hostName = "a"; }`, `{ networking.hostName = "b"; }`},
		expr:    `config.networking.hostName`,
		wantErr: []string{"The option `networking.hostName' has conflicting definition values", "m0.nix", "m1.nix"},
	},
	{
		name:    "hostName type",
		modules: []string{`{ networking.hostName = "host.example.org"; }`},
		expr:    `config.networking.hostName`,
		wantErr: []string{"is not of type `string matching the pattern"},
	},
	{
		name:    "kernelParams merge",
		modules: []string{`{ boot.kernelParams = [ "console=ttyS0" ]; }`, `{ boot.kernelParams = [ "quiet" ]; }`},
		// Definition order is the module system's business: compare sorted.
		expr: `builtins.sort builtins.lessThan config.boot.kernelParams`,
		want: `["console=ttyS0", "quiet"]`,
	},
	{
		name:    "installer defaults",
		modules: []string{installer},
		expr: `{
			ssh = config.services.openssh.enable;
			root = config.services.openssh.settings.PermitRootLogin;
			efi = config.isoImage.makeEfiBootable;
			usb = config.isoImage.makeUsbBootable;
			wpa = config.systemd.services.wpa_supplicant.wantedBy;
			edition = config.isoImage.edition;
			file = config.image.filePath;
		}`,
		want: `{"ssh": true, "root": "yes", "efi": true, "usb": true, "wpa": [], "edition": "minimal",
			"file": "iso/nixos-minimal-26.11pre-git-x86_64-linux.iso"}`,
	},
	{
		name: "rendered overrides beat installer defaults",
		modules: []string{installer, `{ lib, ... }: {
			services.openssh.settings.PermitRootLogin = "no";
			isoImage.makeEfiBootable = lib.mkDefault false;
			systemd.services.wpa_supplicant.wantedBy = lib.mkForce [ "multi-user.target" ];
			networking.wireless.networks."ssid".psk = "abcdefghij";
		}`},
		expr: `{
			root = config.services.openssh.settings.PermitRootLogin;
			efi = config.isoImage.makeEfiBootable;
			wpa = config.systemd.services.wpa_supplicant.wantedBy;
		}`,
		want: `{"root": "no", "efi": true, "wpa": ["multi-user.target"]}`,
	},
	{
		name:    "plain iso-image",
		modules: []string{`{ modulesPath, ... }: { imports = [ "${modulesPath}/installer/cd-dvd/iso-image.nix" ]; }`},
		expr: `{
			ssh = config.services.openssh.enable;
			efi = config.isoImage.makeEfiBootable;
			usb = config.isoImage.makeUsbBootable;
			state = config.system.stateVersion;
		}`,
		want:       `{"ssh": false, "efi": false, "usb": false, "state": "26.11"}`,
		wantStderr: "system.stateVersion is not set, defaulting to 26.11",
	},
	{
		name:    "volumeID longer than 32",
		modules: []string{installer, `{ isoImage.volumeID = "` + strings.Repeat("X", 33) + `"; }`},
		expr:    `config.system.build.isoImage.drvPath`,
		wantErr: []string{"Failed assertions:", "isoImage.volumeID " + strings.Repeat("X", 33) + " is 33 characters. That is 1 characters longer than the limit of 32."},
	},
	{
		name:    "missing package",
		modules: []string{`{ pkgs, ... }: { environment.systemPackages = [ pkgs.htop pkgs.nosuchpackage ]; }`},
		expr:    `map (p: p.name) config.environment.systemPackages`,
		wantErr: []string{"attribute 'nosuchpackage' missing"},
	},
	{
		name:    "package type",
		modules: []string{`{ environment.systemPackages = [ 42 ]; }`},
		expr:    `config.environment.systemPackages`,
		wantErr: []string{"environment.systemPackages", "is not of type `package'"},
	},
	{
		name:    "wireless psk type",
		modules: []string{`{ networking.wireless.networks."ssid".psk = "short"; }`},
		expr:    `config.networking.wireless.networks.ssid.psk`,
		wantErr: []string{"networking.wireless.networks.ssid.psk", "is not of type"},
	},
}

// TestStandinEvaluatesLikeNixOS checks the stand-in with the real Nix
// evaluator: its options fail and merge as real NixOS's do.
func TestStandinEvaluatesLikeNixOS(t *testing.T) {
	nix := needNix(t)
	standin := runtimetest.StandinPath(t)
	if _, err := os.Stat(filepath.Join(standin, "lib", "default.nix")); err != nil {
		t.Skip("the stand-in has no real nixpkgs lib (see the log line above): its hand-written fallback accepts anything")
	}
	for _, tc := range standinCases {
		t.Run(tc.name, func(t *testing.T) {
			out, stderr, err := evalStandin(t, nix, standin, tc.modules, tc.expr)
			if len(tc.wantErr) > 0 {
				if err == nil {
					t.Fatalf("evaluation succeeded with %s, want an error", out)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(stderr, w) {
						t.Errorf("error does not say %q:\n%s", w, stderr)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("evaluation failed: %v\n%s", err, stderr)
			}
			var got, want any
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("decoding %s: %v", out, err)
			}
			if err := json.Unmarshal([]byte(tc.want), &want); err != nil {
				t.Fatalf("bad want %s: %v", tc.want, err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %s, want %s", out, tc.want)
			}
			if !strings.Contains(stderr, tc.wantStderr) {
				t.Errorf("stderr does not say %q:\n%s", tc.wantStderr, stderr)
			}
		})
	}
}

// evalStandin writes the modules to files m0.nix, m1.nix, ... and
// evaluates expr for a configuration importing them all.
func evalStandin(t *testing.T, nix, standin string, modules []string, expr string) ([]byte, string, error) {
	t.Helper()
	dir := t.TempDir()
	var imports []string
	for i, m := range modules {
		name := fmt.Sprintf("m%d.nix", i)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(m), 0o644); err != nil {
			t.Fatal(err)
		}
		imports = append(imports, "./"+name)
	}
	conf := "{ imports = [ " + strings.Join(imports, " ") + " ]; }\n"
	if err := os.WriteFile(filepath.Join(dir, "configuration.nix"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	full := fmt.Sprintf("let config = (import %s/nixos { configuration = ./configuration.nix; system = \"x86_64-linux\"; }).config; in %s", standin, expr)
	cmd := exec.Command(nix, "--eval", "--strict", "--json", "--expr", full)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NIX_PATH=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	return out, stderr.String(), err
}

// needNix returns Debian's nix-instantiate, or skips with the reason
// logged when ISOFORGE_SKIP_NIX_EVAL=1.
func needNix(t *testing.T) string {
	t.Helper()
	if os.Getenv("ISOFORGE_SKIP_NIX_EVAL") == "1" {
		t.Skip("ISOFORGE_SKIP_NIX_EVAL=1: skipping checks with the real Nix evaluator")
	}
	p, err := exec.LookPath("nix-instantiate")
	if err != nil {
		t.Fatal("nix-instantiate not found: install nix-bin (scripts/test-env.sh does) or set ISOFORGE_SKIP_NIX_EVAL=1")
	}
	return p
}

// renderedModule is the shape engine/render produces, with every option
// it may set, importing the fleet example's wifi module (which starts
// wpa_supplicant at boot with the mkForce wantedBy the wifi attribute
// renders).
const renderedModule = `{ config, lib, pkgs, modulesPath, ... }:
let src = %s; in
{
  imports = [
    "${modulesPath}/installer/cd-dvd/installation-cd-minimal.nix"
    (src + "/modules/wifi.nix")
    ({ config, lib, pkgs, modulesPath, ... }: { services.openssh.settings.PasswordAuthentication = false; })
  ];
  nixpkgs.hostPlatform = lib.mkDefault "x86_64-linux";
  networking.hostName = "h"; time.timeZone = "Europe/Amsterdam";
  i18n.defaultLocale = "nl_NL.UTF-8"; console.keyMap = "de";
  boot.kernelParams = [ "console=ttyS0,115200" ];
  users.users.root.openssh.authorizedKeys.keys = [ "ssh-ed25519 AAAAC3Nza admin@example.org" ];
  services.openssh.enable = true;
  isoImage.volumeID = "FLEET_RESCUE";
  isoImage.makeEfiBootable = lib.mkDefault true;
  isoImage.makeUsbBootable = lib.mkDefault true;
  isoImage.squashfsCompression = "zstd -Xcompression-level 6";
  environment.systemPackages = [ pkgs.htop ];
  system.nixos.revision = "0123456789abcdef0123456789abcdef01234567";
  system.nixos.versionSuffix = ".0123456789ab";
  system.stateVersion = lib.mkDefault lib.trivial.release;
  networking.wireless = { enable = true; networks."ssid".psk = "a-long-passphrase"; };
}`

// TestStandinRenderedModule evaluates a module of the shape isoforge
// renders and reads back the configuration the ISO would embed.
func TestStandinRenderedModule(t *testing.T) {
	nix := needNix(t)
	standin := runtimetest.StandinPath(t)
	if _, err := os.Stat(filepath.Join(standin, "lib", "default.nix")); err != nil {
		t.Skip("the stand-in has no real nixpkgs lib (see the log line above)")
	}
	fleet := filepath.Join(runtimetest.RepoRoot(), "examples", "fleet")
	mod := fmt.Sprintf(renderedModule, fleet)
	out, stderr, err := evalStandin(t, nix, standin, []string{mod}, `{
		report = builtins.fromJSON config.system.build.isoImage.report;
		name = config.system.build.isoImage.name;
	}`)
	if err != nil {
		t.Fatalf("evaluation failed: %v\n%s", err, stderr)
	}
	var got struct {
		Name   string `json:"name"`
		Report struct {
			HostName     string   `json:"hostName"`
			KernelParams []string `json:"kernelParams"`
			Packages     []string `json:"packages"`
			OpenSSH      struct {
				Enable                 bool   `json:"enable"`
				PasswordAuthentication bool   `json:"PasswordAuthentication"`
				PermitRootLogin        string `json:"PermitRootLogin"`
			} `json:"openssh"`
			Firewall struct {
				AllowedTCPPorts []int `json:"allowedTCPPorts"`
			} `json:"firewall"`
			WantedBy []string `json:"wpaSupplicantWantedBy"`
			Nixos    struct {
				Label string `json:"label"`
			} `json:"nixos"`
		} `json:"report"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("decoding %s: %v", out, err)
	}
	r := got.Report
	checks := []struct {
		what      string
		got, want any
	}{
		{"ISO name", got.Name, "nixos-minimal-26.11.0123456789ab-x86_64-linux.iso"},
		{"hostName", r.HostName, "h"},
		{"kernelParams", strings.Join(r.KernelParams, " "), "boot.shell_on_fail root=LABEL=FLEET_RESCUE console=ttyS0,115200"},
		{"packages", strings.Join(r.Packages, " "), "htop wpa_supplicant"},
		{"openssh", fmt.Sprintf("%v %v %s", r.OpenSSH.Enable, r.OpenSSH.PasswordAuthentication, r.OpenSSH.PermitRootLogin), "true false yes"},
		{"firewall", fmt.Sprint(r.Firewall.AllowedTCPPorts), "[22]"},
		{"wpa_supplicant wantedBy", strings.Join(r.WantedBy, " "), "multi-user.target"},
		{"label", r.Nixos.Label, "26.11.0123456789ab"},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
}

func TestStandinPathFallsBackWithoutSharedLib(t *testing.T) {
	t.Setenv(runtimetest.SharedEnv, t.TempDir())
	got := runtimetest.StandinPath(t)
	if want := filepath.Join(runtimetest.RepoRoot(), "testdata", "nixpkgs-standin"); got != want {
		t.Errorf("StandinPath = %s, want the bare stand-in %s", got, want)
	}
}

func TestStandinPathAssemblesOnce(t *testing.T) {
	lib := filepath.Join(runtimetest.RepoRoot(), "..", "shared", "nixpkgs-lib", "lib", "default.nix")
	if _, err := os.Stat(lib); err != nil && os.Getenv(runtimetest.SharedEnv) == "" {
		t.Skipf("no shared nixpkgs lib at %s", lib)
	}
	first, second := runtimetest.StandinPath(t), runtimetest.StandinPath(t)
	if first != second {
		t.Errorf("two calls assembled two directories: %s, %s", first, second)
	}
	for _, f := range []string{"nixos/default.nix", "pkgs.nix", "lib/default.nix", "lib/.version"} {
		if _, err := os.Stat(filepath.Join(first, f)); err != nil {
			t.Errorf("assembled stand-in lacks %s: %v", f, err)
		}
	}
}
