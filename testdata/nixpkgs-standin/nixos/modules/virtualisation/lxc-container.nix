# TEST DOUBLE of nixpkgs nixos/modules/virtualisation/lxc-container.nix:
# tag "lxc" (mkOverride 99), a tar.xz under tarball/, built by
# make-system-tarball.nix.
{ config, lib, pkgs, ... }:
{
  imports = [ ../image/file-options.nix ];

  system.nixos.tags = lib.mkOverride 99 [ "lxc" ];
  image.extension = "tar.xz";
  image.filePath = "tarball/${config.image.fileName}";
  system.build.image = lib.mkOverride 99 config.system.build.tarball;
  system.build.tarball = import ../../lib/make-system-tarball.nix {
    inherit config pkgs;
    fileName = config.image.baseName;
  };
}
