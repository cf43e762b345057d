# TEST DOUBLE of nixpkgs nixos/modules/virtualisation/disk-image.nix:
# image.format (qcow2 or raw) and image.efiSupport, the system.nixos.tags
# they add to the label, image.extension (img for raw), and
# system.build.image from make-disk-image.nix (needs kvm). Boot loader and
# file system settings are not modelled.
{ config, lib, pkgs, ... }:
let
  cfg = config.image;
in
{
  imports = [
    ./disk-size-option.nix
    ../image/file-options.nix
  ];

  options.image = {
    format = lib.mkOption {
      description = "Format of the disk image to generate: raw or qcow2";
      type = lib.types.enum [ "raw" "qcow2" ];
      default = "qcow2";
    };
    efiSupport = lib.mkOption {
      description = "Whether the disk image should support EFI boot or legacy boot";
      type = lib.types.bool;
      default = true;
    };
  };

  config = {
    system.nixos.tags = [ cfg.format ] ++ lib.optionals cfg.efiSupport [ "efi" ];
    image.extension = if cfg.format == "raw" then "img" else cfg.format;
    system.build.image = import ../../lib/make-disk-image.nix {
      inherit lib config pkgs;
      inherit (config.virtualisation) diskSize;
      inherit (cfg) baseName format;
      partitionTableType = if cfg.efiSupport then "efi" else "legacy";
    };
  };
}
