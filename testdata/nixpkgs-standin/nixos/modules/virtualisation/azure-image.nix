# TEST DOUBLE of nixpkgs nixos/modules/virtualisation/azure-image.nix
# (25.05+): make-disk-image.nix (raw, kvm) named "azure-image", whose
# postVM converts the raw file to $out/<image.fileName> (a fixed VHD) and
# deletes it, so hydra-build-products keeps a stale "raw-image" line; tag
# "azure"; sshd on (azure-common.nix).
{ config, lib, pkgs, ... }:
{
  imports = [
    ./disk-size-option.nix
    ../image/file-options.nix
  ];

  services.openssh.enable = true;
  image.extension = "vhd";
  system.nixos.tags = [ "azure" ];
  system.build.image = config.system.build.azureImage;
  system.build.azureImage = import ../../lib/make-disk-image.nix {
    inherit config pkgs;
    name = "azure-image";
    inherit (config.image) baseName;
    format = "raw";
    postVMFile = config.image.fileName;
  };
}
