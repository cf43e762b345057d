# TEST DOUBLE of nixpkgs nixos/modules/config/system-path.nix:
# environment.systemPackages (listOf package, merged across modules).
{ lib, ... }:
{
  options.environment.systemPackages = lib.mkOption {
    type = lib.types.listOf lib.types.package;
    default = [ ];
    description = "The set of packages that appear in /run/current-system/sw.";
  };
}
