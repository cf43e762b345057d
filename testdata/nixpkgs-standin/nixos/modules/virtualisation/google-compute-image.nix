# TEST DOUBLE of nixpkgs nixos/modules/virtualisation/google-compute-image.nix
# (25.05+): raw from make-disk-image.nix (kvm) moved to disk.raw and packed
# into $out/<image.fileName> (image.extension "raw.tar.gz") by its postVM;
# tag "google-compute"; sshd on (google-compute-config.nix).
{ config, lib, pkgs, ... }:
{
  imports = [
    ./disk-size-option.nix
    ../image/file-options.nix
  ];

  services.openssh.enable = true;
  image.extension = "raw.tar.gz";
  system.nixos.tags = [ "google-compute" ];
  system.build.image = config.system.build.googleComputeImage;
  system.build.googleComputeImage = import ../../lib/make-disk-image.nix {
    inherit config pkgs;
    name = "google-compute-image";
    inherit (config.image) baseName;
    format = "raw";
    postVMFile = config.image.fileName;
  };
}
