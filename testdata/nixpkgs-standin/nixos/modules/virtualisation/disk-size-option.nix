# TEST DOUBLE of nixpkgs nixos/modules/virtualisation/disk-size-option.nix.
{ lib, ... }:
{
  options.virtualisation.diskSize = lib.mkOption {
    type = with lib.types; either (enum [ "auto" ]) ints.positive;
    default = "auto";
    description = "The disk size in megabytes of the virtual machine.";
  };
}
