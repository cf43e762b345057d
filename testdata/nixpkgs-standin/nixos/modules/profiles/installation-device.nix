# TEST DOUBLE of nixpkgs nixos/modules/profiles/installation-device.nix:
# the settings of it that the stand-in's options model, with nixpkgs'
# priorities (sshd on by default with root login allowed; wpa_supplicant
# enabled but not started: wantedBy = mkOverride 50 []).
{ lib, ... }:
{
  config = {
    system.nixos.variant_id = lib.mkDefault "installer";

    # Use less privileged nixos user
    users.users.nixos = {
      isNormalUser = true;
      extraGroups = [ "wheel" "networkmanager" "video" ];
      # Allow the graphical user to login without password
      initialHashedPassword = "";
    };

    # Allow the user to log in as root without a password.
    users.users.root.initialHashedPassword = "";

    services.openssh = {
      enable = lib.mkDefault true;
      settings.PermitRootLogin = lib.mkDefault "yes";
    };

    # Enable wpa_supplicant, but don't start it by default.
    networking.wireless.enable = lib.mkDefault true;
    networking.wireless.userControlled.enable = true;
    systemd.services.wpa_supplicant.wantedBy = lib.mkOverride 50 [ ];

    networking.firewall.logRefusedConnections = lib.mkDefault false;
  };
}
