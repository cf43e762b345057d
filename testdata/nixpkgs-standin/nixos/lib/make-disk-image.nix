# TEST DOUBLE of nixpkgs nixos/lib/make-disk-image.nix: the derivation is
# named `name` (default "nixos-disk-image"), writes $out/<baseName>.<ext>
# (qcow2, img for raw, vhd for vpc), appends "file <format>-image ..." to
# hydra-build-products (createHydraBuildProducts, before the caller's
# postVM), and needs the kvm system feature (runInLinuxVM).
#
# Two stand-in parameters model what callers' postVM scripts do:
# postVMFile is the file a postVM converts the image to before deleting
# it (azure, hyperv, vmware, google-compute, digital-ocean), which leaves
# the "<format>-image" line naming a file that no longer exists, as in
# nixpkgs; postVMProducts are extra types a postVM declares for the image
# (amazon-image.nix: "file vpc $diskImage").
{
  config,
  pkgs,
  format ? "raw",
  baseName ? "nixos",
  name ? "nixos-disk-image",
  postVMFile ? null,
  postVMProducts ? [ ],
  ...
}:
let
  filename = "${baseName}." + ({ qcow2 = "qcow2"; vdi = "vdi"; vpc = "vhd"; raw = "img"; }.${format} or format);
  stale = postVMFile != null;
in
import ./standin-image.nix {
  inherit config pkgs name;
  file = if stale then postVMFile else filename;
  products = [ "${format}-image ${filename}" ] ++ map (t: "${t} ${filename}") postVMProducts;
  kvm = true;
}
