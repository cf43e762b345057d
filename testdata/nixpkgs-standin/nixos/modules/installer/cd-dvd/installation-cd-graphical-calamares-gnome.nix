# TEST DOUBLE of nixpkgs nixos/modules/installer/cd-dvd/installation-cd-graphical-calamares-gnome.nix:
# edition "gnome"; the GNOME desktop settings are not modelled.
{ ... }:
{
  imports = [ ./installation-cd-graphical-calamares.nix ];

  isoImage.edition = "gnome";
}
