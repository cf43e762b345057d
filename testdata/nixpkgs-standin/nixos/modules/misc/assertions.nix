# TEST DOUBLE of nixpkgs nixos/modules/misc/assertions.nix. They are
# checked when system.build.toplevel is built (system/activation/top-level.nix).
{ lib, ... }:
{
  options = {
    assertions = lib.mkOption {
      type = lib.types.listOf lib.types.unspecified;
      internal = true;
      default = [ ];
      description = "Assertions: each { assertion; message; } must hold.";
    };
    warnings = lib.mkOption {
      internal = true;
      default = [ ];
      type = lib.types.listOf lib.types.str;
      description = "Warnings printed when the system is built.";
    };
  };
}
