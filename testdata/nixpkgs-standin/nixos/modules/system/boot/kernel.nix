# TEST DOUBLE of nixpkgs nixos/modules/system/boot/kernel.nix: boot.kernelParams.
{ lib, ... }:
{
  options.boot.kernelParams = lib.mkOption {
    type = lib.types.listOf (
      lib.types.strMatching ''([^"[:space:]]|"[^"]*")+''
      // {
        name = "kernelParam";
        description = "string, with spaces inside double quotes";
      }
    );
    default = [ ];
    description = "Parameters added to the kernel command line.";
  };
}
