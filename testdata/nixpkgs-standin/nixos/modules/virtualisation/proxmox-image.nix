# TEST DOUBLE of nixpkgs nixos/modules/virtualisation/proxmox-image.nix
# (25.05+ image options; the VMA details not read one by one): a
# vzdump-qemu-<name>.vma.zst written by make-disk-image.nix (needs kvm).
{ config, lib, pkgs, ... }:
{
  imports = [
    ./disk-size-option.nix
    ../image/file-options.nix
  ];

  image.baseName = lib.mkDefault "vzdump-qemu-nixos-${config.system.nixos.label}";
  image.extension = "vma.zst";
  system.build.image = config.system.build.VMA;
  system.build.VMA = import ./../../lib/standin-image.nix {
    inherit config pkgs;
    name = "proxmox-nixos-${config.system.nixos.label}";
    file = config.image.fileName;
    hydraType = "vma";
    kvm = true;
  };
}
