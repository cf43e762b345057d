# TEST DOUBLE of nixpkgs nixos/maintainers/scripts/openstack/openstack-image.nix
# (25.05+): qcow2 from make-disk-image.nix (kvm), tag "openstack", sshd on
# (virtualisation/openstack-config.nix). It passes no diskSize, so it has
# no virtualisation.diskSize option.
{ config, lib, pkgs, ... }:
{
  imports = [ ../../../modules/image/file-options.nix ];

  services.openssh.enable = true;
  image.extension = "qcow2";
  system.nixos.tags = [ "openstack" ];
  system.build.image = config.system.build.openstackImage;
  system.build.openstackImage = import ../../../lib/make-disk-image.nix {
    inherit config pkgs;
    inherit (config.image) baseName;
    format = "qcow2";
  };
}
