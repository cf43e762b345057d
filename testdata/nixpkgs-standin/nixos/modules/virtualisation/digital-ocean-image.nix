# TEST DOUBLE of nixpkgs nixos/modules/virtualisation/digital-ocean-image.nix
# (25.05+): qcow2 from make-disk-image.nix (kvm), gzip-compressed by its
# postVM (image.extension "qcow2.gz"; the "qcow2-image" line goes stale),
# tag "digital-ocean", sshd on (digital-ocean-config.nix, mkDefault).
{ config, lib, pkgs, ... }:
{
  imports = [
    ./disk-size-option.nix
    ../image/file-options.nix
  ];

  services.openssh.enable = lib.mkDefault true;
  image.extension = "qcow2.gz";
  system.nixos.tags = [ "digital-ocean" ];
  system.build.image = config.system.build.digitalOceanImage;
  system.build.digitalOceanImage = import ../../lib/make-disk-image.nix {
    inherit config pkgs;
    name = "digital-ocean-image";
    inherit (config.image) baseName;
    format = "qcow2";
    postVMFile = "${config.image.baseName}.qcow2.gz";
  };
}
