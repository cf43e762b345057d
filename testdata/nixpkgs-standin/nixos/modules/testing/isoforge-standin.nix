# TEST DOUBLE only, not a nixpkgs option: isoforge's tests set
# isoforge.standin.sleep to make the stand-in's image build slow enough to
# interrupt. Real nixpkgs rejects it, so no real configuration may use it.
{ lib, ... }:
{
  options.isoforge.standin.sleep = lib.mkOption {
    type = lib.types.ints.unsigned;
    default = 0;
    description = "Seconds the stand-in's image builders sleep before writing the image.";
  };
}
