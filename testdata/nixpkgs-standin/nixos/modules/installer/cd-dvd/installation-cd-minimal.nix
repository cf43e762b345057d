# TEST DOUBLE of nixpkgs nixos/modules/installer/cd-dvd/installation-cd-minimal.nix:
# the base installer with edition "minimal" at priority 500, as nixpkgs
# sets it. profiles/minimal.nix (documentation, fonts) is not modelled.
{ lib, ... }:
{
  imports = [ ./installation-cd-base.nix ];

  isoImage.edition = lib.mkOverride 500 "minimal";
}
