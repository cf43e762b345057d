# TEST DOUBLE of nixpkgs nixos/modules/tasks/network-interfaces.nix:
# networking.hostName with nixpkgs' type (no FQDN, valid DNS label).
{ config, lib, ... }:
{
  options.networking.hostName = lib.mkOption {
    default = config.system.nixos.distroId;
    defaultText = lib.literalExpression "config.system.nixos.distroId";
    # Only allow hostnames without the domain name part (i.e. no FQDNs, see
    # e.g. "man 5 hostname") and require valid DNS labels (recommended
    # syntax). Note: We also allow underscores for compatibility/legacy
    # reasons (as undocumented feature):
    type = lib.types.strMatching "^$|^[[:alnum:]]([[:alnum:]_-]{0,61}[[:alnum:]])?$";
    description = "The name of the machine.";
  };
}
