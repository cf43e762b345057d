# TEST DOUBLE of nixpkgs nixos/modules/installer/cd-dvd/installation-cd-graphical-base.nix:
# X, NetworkManager instead of wpa_supplicant (mkImageMediaOverride false).
{ lib, ... }:
{
  imports = [ ./installation-cd-base.nix ];

  services.xserver.enable = true;

  # Provide networkmanager for easy wireless configuration.
  networking.networkmanager.enable = true;
  networking.wireless.enable = lib.mkImageMediaOverride false;
}
