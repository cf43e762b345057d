# TEST DOUBLE of nixpkgs nixos/modules/virtualisation/hyperv-image.nix
# (25.05+): raw from make-disk-image.nix (kvm, EFI) converted to a dynamic
# VHDX at $out/<image.fileName> by its postVM; virtualisation.diskSize
# defaults to 4096 at priority 1490; tag "hyperv".
{ config, lib, pkgs, ... }:
{
  imports = [
    ./disk-size-option.nix
    ../image/file-options.nix
  ];

  virtualisation.diskSize = lib.mkOverride 1490 (4 * 1024);
  image.extension = "vhdx";
  system.nixos.tags = [ "hyperv" ];
  system.build.image = config.system.build.hypervImage;
  system.build.hypervImage = import ../../lib/make-disk-image.nix {
    inherit config pkgs;
    name = "nixos-hyperv-${config.system.nixos.label}-${pkgs.stdenv.hostPlatform.system}";
    inherit (config.image) baseName;
    format = "raw";
    postVMFile = config.image.fileName;
  };
}
