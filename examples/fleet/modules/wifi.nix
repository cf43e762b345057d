# Joins the fleet's installation network at boot, so a site installer is
# reachable over SSH (root, with the fleet's keys) as soon as it has an
# address.
#
# The installer profile (nixpkgs nixos/modules/profiles/installation-device.nix)
# enables wpa_supplicant but keeps it from starting at boot with
# systemd.services.wpa_supplicant.wantedBy = mkOverride 50 [ ]. mkForce is
# the same priority, so the two lists merge and the service starts again,
# as nixos-generators' formats/install-iso.nix does.
#
# pskRaw is the key wpa_passphrase derives from the passphrase and SSID;
# it is world-readable in the ISO and in the Nix store. isoforge's `wifi`
# attribute writes the same three definitions from a (sensitive) variable.
{ lib, ... }:
{
  networking.wireless.enable = true;
  # wpa_passphrase fleet-install change-me-before-use
  networking.wireless.networks."fleet-install".pskRaw = "cf512c950b5a88d61e8974d5c3c748750fbd47818495e6fab8c0b04cb1878997";
  systemd.services.wpa_supplicant.wantedBy = lib.mkForce [ "multi-user.target" ];
  networking.firewall.allowedTCPPorts = [ 22 ];
}
