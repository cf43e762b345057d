# TEST DOUBLE for nixpkgs' installation-cd-graphical-calamares-gnome.nix.
{ lib, ... }:
{
  imports = [ ./installation-cd-base.nix ];
  isoImage.edition = lib.mkDefault "gnome";
  services.xserver.enable = true;
}
