# TEST DOUBLE of nixpkgs nixos/modules/installer/netboot/netboot-minimal.nix
# (through netboot-base.nix to netboot.nix): the kexec tarball, tag
# "kexec", tarball/<fileName>.tar.xz from make-system-tarball.nix.
{ config, lib, pkgs, ... }:
{
  imports = [ ../../image/file-options.nix ];

  image.extension = "tar.xz";
  image.filePath = "tarball/${config.image.fileName}";
  system.nixos.tags = [ "kexec" ];
  system.build.image = config.system.build.kexecTarball;
  system.build.kexecTarball = import ../../../lib/make-system-tarball.nix {
    inherit config pkgs;
    fileName = config.image.baseName;
  };
}
