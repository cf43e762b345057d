# TEST DOUBLE of nixpkgs nixos/modules/system/activation/top-level.nix:
# system.build.toplevel is a (tiny, real) derivation guarded exactly like
# nixpkgs' by lib.asserts.checkAssertWarn, so failed assertions stop
# evaluation ("Failed assertions: ...") before anything builds, and
# warnings are printed. Image builds depend on it, as nixpkgs' do.
{ config, lib, pkgs, ... }:
let
  baseSystem = derivation {
    name = "nixos-system-${config.system.name}-${config.system.nixos.label}";
    system = pkgs.stdenv.hostPlatform.system;
    builder = "/bin/sh";
    PATH = "/usr/bin:/bin";
    nixosLabel = config.system.nixos.label;
    kernelParams = toString config.boot.kernelParams;
    args = [
      "-c"
      ''
        set -e
        mkdir -p "$out"
        printf '%s' "$nixosLabel" > "$out/nixos-version"
        printf '%s' "$kernelParams" > "$out/kernel-params"
        echo "TEST DOUBLE: isoforge's nixpkgs stand-in, not a NixOS system" > "$out/README.txt"
      ''
    ];
  };
in
{
  options.system = {
    build.toplevel = lib.mkOption {
      type = lib.types.package;
      readOnly = true;
      description = "This option contains the store path that typically represents a NixOS system.";
    };
    name = lib.mkOption {
      type = lib.types.str;
      default = if config.networking.hostName == "" then "unnamed" else config.networking.hostName;
      description = "The name of the system used in the system.build.toplevel derivation.";
    };
  };

  config.system.build.toplevel = lib.asserts.checkAssertWarn config.assertions config.warnings baseSystem;
}
