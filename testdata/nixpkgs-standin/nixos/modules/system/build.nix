# TEST DOUBLE of nixpkgs nixos/modules/system/build.nix: system.build is
# a lazy freeform attribute set of build products.
{ lib, ... }:
{
  options.system.build = lib.mkOption {
    default = { };
    description = "Attribute set of derivations used to set up the system.";
    type = lib.types.submoduleWith {
      modules = [
        {
          freeformType = with lib.types; lazyAttrsOf (uniq unspecified);
        }
      ];
    };
  };
}
