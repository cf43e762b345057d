# TEST DOUBLE of nixpkgs nixos/lib/make-system-tarball.nix (+ .sh): the
# derivation "tarball" writes $out/tarball/<fileName>.tar.xz and
# "file system-tarball ..." to hydra-build-products. No VM, no kvm.
{ config, pkgs, fileName ? "nixos-system-${pkgs.stdenv.hostPlatform.system}", ... }:
import ./standin-image.nix {
  inherit config pkgs;
  name = "tarball";
  file = "tarball/${fileName}.tar.xz";
  hydraType = "system-tarball";
}
