# TEST DOUBLE of nixpkgs nixos/modules/installer/cd-dvd/installation-cd-graphical-calamares.nix:
# the graphical base; the Calamares packages and settings are not modelled.
{ ... }:
{
  imports = [ ./installation-cd-graphical-base.nix ];
}
