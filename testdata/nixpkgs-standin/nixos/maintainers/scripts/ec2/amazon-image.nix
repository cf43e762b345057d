# TEST DOUBLE of nixpkgs nixos/maintainers/scripts/ec2/amazon-image.nix
# (25.05+): amazonImage.format (vpc by default; image.extension vhd),
# tag "amazon", sshd on (virtualisation/amazon-image.nix), the image from
# make-disk-image.nix (kvm) whose postVM adds
# "file ${cfg.format} $diskImage" to hydra-build-products.
{ config, lib, pkgs, ... }:
let
  cfg = config.amazonImage;
in
{
  imports = [
    ../../../modules/virtualisation/disk-size-option.nix
    ../../../modules/image/file-options.nix
  ];

  options.amazonImage.format = lib.mkOption {
    type = lib.types.enum [ "raw" "qcow2" "vpc" ];
    default = "vpc";
    description = "The image format to output";
  };

  config = {
    services.openssh.enable = true;
    system.nixos.tags = [ "amazon" ];
    image.extension = { vpc = "vhd"; raw = "img"; qcow2 = "qcow2"; }.${cfg.format};
    system.build.image = config.system.build.amazonImage;
    system.build.amazonImage = import ../../../lib/make-disk-image.nix {
      inherit config pkgs;
      inherit (cfg) format;
      inherit (config.image) baseName;
      name = config.image.baseName;
      postVMProducts = [ cfg.format ];
    };
  };
}
