# TEST DOUBLE of nixpkgs nixos/modules/services/x11/xserver.nix: only
# services.xserver.enable, which the graphical installer sets.
{ lib, ... }:
{
  options.services.xserver.enable = lib.mkOption {
    type = lib.types.bool;
    default = false;
    description = "Whether to enable the X server.";
  };
}
