# TEST DOUBLE of nixpkgs nixos/lib/make-disk-image.nix: the derivation is
# named `name` (default "nixos-disk-image"), writes $out/<baseName>.<ext>
# (qcow2, or img for raw) and "file <format>-image ..." to
# hydra-build-products, and needs the kvm system feature (runInLinuxVM).
{
  config,
  pkgs,
  format ? "raw",
  baseName ? "nixos",
  name ? "nixos-disk-image",
  ...
}:
let
  filename = "${baseName}." + ({ qcow2 = "qcow2"; vdi = "vdi"; vpc = "vhd"; raw = "img"; }.${format} or format);
in
import ./standin-image.nix {
  inherit config pkgs name;
  file = filename;
  hydraType = "${format}-image";
  kvm = true;
}
