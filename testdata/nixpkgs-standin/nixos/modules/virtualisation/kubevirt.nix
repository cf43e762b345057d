# TEST DOUBLE of nixpkgs nixos/modules/virtualisation/kubevirt.nix
# (25.05+): qcow2 from make-disk-image.nix (kvm), tag "kubevirt", sshd on.
# It passes no diskSize, so it has no virtualisation.diskSize option.
{ config, lib, pkgs, ... }:
{
  imports = [ ../image/file-options.nix ];

  services.openssh.enable = true;
  image.extension = "qcow2";
  system.nixos.tags = [ "kubevirt" ];
  system.build.image = config.system.build.kubevirtImage;
  system.build.kubevirtImage = import ../../lib/make-disk-image.nix {
    inherit config pkgs;
    inherit (config.image) baseName;
    format = "qcow2";
  };
}
