{ ... }:
{
  networking.firewall.allowedTCPPorts = [ 8080 ];
}
