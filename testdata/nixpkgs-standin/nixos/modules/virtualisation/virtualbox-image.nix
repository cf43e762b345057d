# TEST DOUBLE of nixpkgs nixos/modules/virtualisation/virtualbox-image.nix
# (25.05+): a disk from make-disk-image.nix (kvm) exported by VBoxManage
# as $out/<image.fileName> (image.extension "ova"), declared as
# "file ova ..." in hydra-build-products; tag "virtualbox". The two
# derivations of nixpkgs (disk, then OVA) are one here.
{ config, lib, pkgs, ... }:
{
  imports = [
    ./disk-size-option.nix
    ../image/file-options.nix
  ];

  image.extension = "ova";
  system.nixos.tags = [ "virtualbox" ];
  system.build.image = config.system.build.virtualBoxOVA;
  system.build.virtualBoxOVA = import ../../lib/standin-image.nix {
    inherit config pkgs;
    name = "nixos-ova-${config.system.nixos.label}-${pkgs.stdenv.hostPlatform.system}";
    file = config.image.fileName;
    hydraType = "ova";
    kvm = true;
  };
}
