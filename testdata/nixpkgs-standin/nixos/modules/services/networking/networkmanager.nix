# TEST DOUBLE of nixpkgs nixos/modules/services/networking/networkmanager.nix:
# only networking.networkmanager.enable, which the graphical installer sets.
{ lib, ... }:
{
  options.networking.networkmanager.enable = lib.mkOption {
    type = lib.types.bool;
    default = false;
    description = "Whether to use NetworkManager to obtain an IP address and other configuration.";
  };
}
