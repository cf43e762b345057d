# TEST DOUBLE of nixpkgs nixos/modules/misc/nixpkgs.nix: nixpkgs.system
# and nixpkgs.hostPlatform (a string or an attribute set, elaborated with
# lib.systems.elaborate), and _module.args.pkgs built for hostPlatform —
# here the stand-in's fixed package set (../../../pkgs.nix).
{ config, lib, ... }:
let
  cfg = config.nixpkgs;
in
{
  options.nixpkgs = {
    system = lib.mkOption {
      type = lib.types.str;
      example = "i686-linux";
      description = "Legacy: the system to build for; prefer nixpkgs.hostPlatform.";
    };
    hostPlatform = lib.mkOption {
      type = with lib.types; either str attrs;
      example = {
        system = "aarch64-linux";
      };
      default = cfg.system;
      defaultText = lib.literalExpression "config.nixpkgs.system";
      apply = lib.systems.elaborate;
      description = "Specifies the platform where the NixOS configuration will run.";
    };
  };

  config._module.args.pkgs = import ../../../pkgs.nix {
    inherit lib;
    hostPlatform = cfg.hostPlatform;
  };
}
