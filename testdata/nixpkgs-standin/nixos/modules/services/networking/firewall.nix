# TEST DOUBLE of nixpkgs nixos/modules/services/networking/firewall.nix:
# the options isoforge's examples and the installer profile set.
{ lib, ... }:
let
  inherit (lib) mkOption types;
  # As firewall.nix: sorted and without duplicates.
  canonicalizePortList = ports: lib.unique (builtins.sort builtins.lessThan ports);
in
{
  options.networking.firewall = {
    enable = mkOption {
      type = types.bool;
      default = true;
      description = "Whether to enable the firewall.";
    };
    logRefusedConnections = mkOption {
      type = types.bool;
      default = true;
      description = "Whether to log rejected or dropped incoming connections.";
    };
    allowedTCPPorts = mkOption {
      type = types.listOf types.port;
      default = [ ];
      apply = canonicalizePortList;
      example = [ 22 80 ];
      description = "List of TCP ports on which incoming connections are accepted.";
    };
    allowedUDPPorts = mkOption {
      type = types.listOf types.port;
      default = [ ];
      apply = canonicalizePortList;
      example = [ 53 ];
      description = "List of open UDP ports.";
    };
  };
}
