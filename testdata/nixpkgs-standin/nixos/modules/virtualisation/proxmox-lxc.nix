# TEST DOUBLE of nixpkgs nixos/modules/virtualisation/proxmox-lxc.nix
# (25.05+): the container template tarball/<fileName>.tar.xz from
# make-system-tarball.nix (no VM), tags "proxmox" and "lxc", sshd on by
# default.
{ config, lib, pkgs, ... }:
{
  imports = [ ../image/file-options.nix ];

  services.openssh.enable = lib.mkDefault true;
  system.nixos.tags = [ "proxmox" "lxc" ];
  image.extension = "tar.xz";
  image.filePath = "tarball/${config.image.fileName}";
  system.build.image = config.system.build.tarball;
  system.build.tarball = lib.mkDefault (import ../../lib/make-system-tarball.nix {
    inherit config pkgs;
    fileName = config.image.baseName;
  });
}
