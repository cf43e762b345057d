# Joins the fleet's installation network so a site installer is reachable
# over SSH as soon as it boots.
{ lib, ... }:
{
  networking.wireless.enable = true;
  networking.wireless.networks."fleet-install".psk = "change-me-before-use";
  networking.firewall.allowedTCPPorts = [ 22 ];
}
