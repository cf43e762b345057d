# TEST DOUBLE of nixpkgs nixos/modules/installer/sd-card/sd-image-aarch64.nix:
# the generic SD image; the platform's boot loader is not modelled.
{ ... }:
{
  imports = [ ./sd-image.nix ];
}
