# TEST DOUBLE for nixpkgs' iso-image.nix: system.build.isoImage is a real
# derivation that writes the evaluated configuration into a real ISO9660
# file with xorriso, at $out/iso/<baseName>.iso as nixpkgs does.
{ config, lib, pkgs, ... }:
let
  edition = config.isoImage.edition or "";
  baseName = "nixos${if edition == "" then "" else "-" + edition}-standin-${config.nixpkgs.hostPlatform}";
  volumeID = config.isoImage.volumeID or "NIXOS_STANDIN";
  # Test-only knob: tests set isoforge.standin.sleep to make a build slow
  # enough to interrupt.
  sleep = toString (config.isoforge.standin.sleep or 0);
  report = builtins.toJSON {
    hostName = config.networking.hostName;
    timeZone = config.time.timeZone or null;
    defaultLocale = config.i18n.defaultLocale or null;
    keyMap = config.console.keyMap or null;
    kernelParams = config.boot.kernelParams or [ ];
    authorizedKeys = config.users.users.root.openssh.authorizedKeys.keys or [ ];
    packages = map (p: p.name) (config.environment.systemPackages or [ ]);
    services = config.services or { };
    networking = builtins.removeAttrs config.networking [ "hostName" ];
    inherit edition volumeID;
  };
in
{
  system.build.isoImage = derivation {
    name = "${baseName}.iso";
    system = config.nixpkgs.hostPlatform;
    builder = "/bin/sh";
    PATH = "/usr/bin:/bin";
    isoName = "${baseName}.iso";
    inherit report volumeID sleep;
    args = [ "-c" ''
      set -e
      sleep "$sleep"
      mkdir -p root "$out/iso"
      printf '%s' "$report" > root/isoforge-config.json
      echo "TEST DOUBLE: built by isoforge's nixpkgs stand-in, not a bootable NixOS" > root/README.txt
      xorriso -as mkisofs -quiet -o "$out/iso/$isoName" -V "$volumeID" -J -R root
      echo "Writing to 'stdio:$out/iso/$isoName'"
    '' ];
  };
}
