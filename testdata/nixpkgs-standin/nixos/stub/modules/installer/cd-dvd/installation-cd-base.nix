# TEST DOUBLE for nixpkgs' installation-cd-base.nix: the installer profile.
{ lib, ... }:
{
  imports = [ ./iso-image.nix ];
  services.openssh.enable = lib.mkDefault true;
  services.openssh.settings.PermitRootLogin = lib.mkDefault "yes";
  isoImage.makeEfiBootable = true;
  isoImage.makeUsbBootable = true;
}
