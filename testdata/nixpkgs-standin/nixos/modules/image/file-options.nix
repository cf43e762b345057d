# TEST DOUBLE of nixpkgs nixos/modules/image/file-options.nix: image.baseName,
# extension, fileName and filePath.
{ config, lib, pkgs, ... }:
{
  options.image = {
    baseName = lib.mkOption {
      type = lib.types.str;
      default = "nixos-image-${config.system.nixos.label}-${pkgs.stdenv.hostPlatform.system}";
      description = "Basename of the image filename without any extension (e.g. `image_1`).";
    };
    extension = lib.mkOption {
      type = lib.types.str;
      description = "Extension of the image filename (e.g. `raw`).";
    };
    fileName = lib.mkOption {
      type = lib.types.str;
      default = "${config.image.baseName}.${config.image.extension}";
      description = "Filename of the image including all extensions (e.g `image_1.raw` or `image_1.raw.zst`).";
    };
    filePath = lib.mkOption {
      type = lib.types.str;
      default = config.image.fileName;
      description = "Path of the image, relative to `$out` in `system.build.image`.";
    };
  };
}
