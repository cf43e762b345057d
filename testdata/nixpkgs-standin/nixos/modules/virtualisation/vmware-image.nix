# TEST DOUBLE of nixpkgs nixos/modules/virtualisation/vmware-image.nix
# (25.05+): raw from make-disk-image.nix (kvm, EFI) converted to a VMDK at
# $out/<image.fileName> by its postVM; tag "vmware".
{ config, lib, pkgs, ... }:
{
  imports = [
    ./disk-size-option.nix
    ../image/file-options.nix
  ];

  image.extension = "vmdk";
  system.nixos.tags = [ "vmware" ];
  system.build.image = config.system.build.vmwareImage;
  system.build.vmwareImage = import ../../lib/make-disk-image.nix {
    inherit config pkgs;
    name = "nixos-vmware-${config.system.nixos.label}-${pkgs.stdenv.hostPlatform.system}";
    inherit (config.image) baseName;
    format = "raw";
    postVMFile = config.image.fileName;
  };
}
