# TEST DOUBLE only, not nixpkgs options: isoforge's tests set
# isoforge.standin.sleep to make the stand-in's image build slow enough to
# interrupt, and isoforge.standin.bootable = false where a bootable ISO's
# CPU work would distort a timing. Real nixpkgs rejects both, so no real
# configuration may use them.
{ lib, ... }:
{
  options.isoforge.standin.sleep = lib.mkOption {
    type = lib.types.ints.unsigned;
    default = 0;
    description = "Seconds the stand-in's image builders sleep before writing the image.";
  };
  options.isoforge.standin.bootable = lib.mkOption {
    type = lib.types.bool;
    default = true;
    description = "Whether the stand-in's ISO boots, when the builder image has a kernel (grub-mkrescue, nixos/lib/standin-boot.sh).";
  };
}
