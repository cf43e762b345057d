# TEST DOUBLE of nixpkgs nixos/modules/installer/sd-card/sd-image.nix:
# sdImage.compressImage (default true), the image.* naming and
# $out/sd-image/<baseName>.img[.zst] with "file sd-image ...". No VM.
{ config, lib, pkgs, ... }:
{
  imports = [ ../../image/file-options.nix ];

  options.sdImage.compressImage = lib.mkOption {
    type = lib.types.bool;
    default = true;
    description = "Whether the SD image should be compressed using {command}`zstd`.";
  };

  config = {
    image.baseName = "nixos-image-sd-card-${config.system.nixos.label}-${pkgs.stdenv.hostPlatform.system}";
    image.extension = if config.sdImage.compressImage then "img.zst" else "img";
    image.filePath = "sd-image/${config.image.fileName}";
    system.build.image = config.system.build.sdImage;
    system.build.sdImage = import ../../../lib/standin-image.nix {
      inherit config pkgs;
      name = config.image.fileName;
      file = config.image.filePath;
      hydraType = "sd-image";
    };
  };
}
