# TEST DOUBLE of nixpkgs nixos/modules/installer/cd-dvd/installation-cd-base.nix
# (25.05+ shape): iso-image.nix plus the installation-device profile, EFI
# and USB booting, stateVersion defaulting to the release. profiles/base.nix
# and the hardware/boot-loader settings are not modelled.
{ lib, ... }:
{
  imports = [
    ./iso-image.nix

    # Profiles of this basic installation CD.
    ../../profiles/installation-device.nix
  ];

  # EFI booting
  isoImage.makeEfiBootable = true;

  # USB booting
  isoImage.makeUsbBootable = true;

  system.stateVersion = lib.mkDefault lib.trivial.release;
}
