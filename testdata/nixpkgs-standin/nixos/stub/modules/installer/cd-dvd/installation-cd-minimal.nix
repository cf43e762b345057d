# TEST DOUBLE for nixpkgs' installation-cd-minimal.nix.
{ lib, ... }:
{
  imports = [ ./installation-cd-base.nix ];
  isoImage.edition = lib.mkDefault "minimal";
}
