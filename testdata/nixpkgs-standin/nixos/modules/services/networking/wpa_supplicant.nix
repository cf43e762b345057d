# TEST DOUBLE of nixpkgs nixos/modules/services/networking/wpa_supplicant.nix:
# networking.wireless.{enable,networks,userControlled}, its assertions, and
# the wpa_supplicant unit it defines (wantedBy multi-user.target, which the
# installer profile overrides with mkOverride 50 []).
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.networking.wireless;
in
{
  options.networking.wireless = {
    enable = lib.mkEnableOption "wpa_supplicant";
    networks = mkOption {
      type = types.attrsOf (
        types.submodule {
          options = {
            psk = mkOption {
              type = types.nullOr (types.strMatching "[[:print:]]{8,63}");
              default = null;
              description = "The network's pre-shared key in plaintext.";
            };
            pskRaw = mkOption {
              type = types.nullOr (types.strMatching "([[:xdigit:]]{64})|(ext:[^=]+)");
              default = null;
              description = "The raw pre-shared key in hexadecimal, or ext:<secret name>.";
            };
            auth = mkOption {
              type = types.nullOr types.str;
              default = null;
              description = "Advanced authentication (e.g. EAP) configuration.";
            };
            hidden = mkOption {
              type = types.bool;
              default = false;
              description = "Set this to true if the SSID of the network is hidden.";
            };
            priority = mkOption {
              type = types.nullOr types.int;
              default = null;
              description = "Network priority for network selection.";
            };
            extraConfig = mkOption {
              type = types.str;
              default = "";
              description = "Extra configuration lines appended to the network block.";
            };
          };
        }
      );
      default = { };
      description = "The network definitions to automatically connect to when wpa_supplicant is running.";
    };
    userControlled.enable = mkOption {
      type = types.bool;
      default = false;
      description = "Allow normal users to control wpa_supplicant through wpa_gui or wpa_cli.";
    };
  };

  config = lib.mkIf cfg.enable {
    assertions =
      lib.flip lib.mapAttrsToList cfg.networks (
        name: net: {
          assertion = lib.count (x: x != null) [ net.psk net.pskRaw net.auth ] <= 1;
          message = ''options networking.wireless."${name}".{psk,pskRaw,auth} are mutually exclusive'';
        }
      )
      ++ [
        {
          assertion = cfg.userControlled.enable || cfg.networks != { };
          message = ''
            Wireless networks must be defined or
            wpa_supplicant must be user controllable.
          '';
        }
      ];

    environment.systemPackages = [ pkgs.wpa_supplicant ];

    systemd.services.wpa_supplicant = {
      description = "WPA Supplicant";
      wantedBy = [ "multi-user.target" ];
      after = [ "network-pre.target" ];
      before = [ "network.target" ];
      wants = [ "network.target" ];
    };
  };
}
