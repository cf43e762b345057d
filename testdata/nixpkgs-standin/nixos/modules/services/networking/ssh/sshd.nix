# TEST DOUBLE of nixpkgs nixos/modules/services/networking/ssh/sshd.nix:
# services.openssh.{enable,openFirewall,ports,settings} (settings is a
# freeform submodule typed like pkgs.formats.keyValue, with the declared
# options isoforge and the installer set), the renamed legacy options,
# users.users.<name>.openssh.authorizedKeys, and openFirewall opening ports.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.services.openssh;

  # pkgs.formats.keyValue's type: an attribute set of atoms.
  settingsAtom = types.nullOr (types.oneOf [ types.bool types.int types.float types.str ]);
  # sshd.nix also accepts lists for the comma/space separated keys.
  settingsType = types.attrsOf (types.either settingsAtom (types.listOf types.str));

  userOptions = {
    options.openssh.authorizedKeys = {
      keys = mkOption {
        type = types.listOf types.singleLineStr;
        default = [ ];
        description = "A list of verbatim OpenSSH public keys added to the user's authorized keys.";
      };
      keyFiles = mkOption {
        type = types.listOf types.path;
        default = [ ];
        description = "A list of files each containing one OpenSSH public key.";
      };
    };
    options.openssh.authorizedPrincipals = mkOption {
      type = types.listOf types.singleLineStr;
      default = [ ];
      description = "A list of verbatim principal names added to the user's authorized principals.";
    };
  };

  renamed = from: to: lib.mkRenamedOptionModule [ "services" "openssh" from ] [ "services" "openssh" "settings" to ];
in
{
  imports = [
    (lib.mkAliasOptionModule [ "services" "sshd" "enable" ] [ "services" "openssh" "enable" ])
    (renamed "kbdInteractiveAuthentication" "KbdInteractiveAuthentication")
    (renamed "passwordAuthentication" "PasswordAuthentication")
    (renamed "permitRootLogin" "PermitRootLogin")
    (renamed "useDns" "UseDns")
    (renamed "logLevel" "LogLevel")
    (renamed "forwardX11" "X11Forwarding")
  ];

  options = {
    users.users = mkOption {
      type = types.attrsOf (types.submodule userOptions);
    };

    services.openssh = {
      enable = mkOption {
        type = types.bool;
        default = false;
        description = "Whether to enable the OpenSSH secure shell daemon.";
      };
      ports = mkOption {
        type = types.listOf types.port;
        default = [ 22 ];
        description = "Specifies on which ports the SSH daemon listens.";
      };
      openFirewall = mkOption {
        type = types.bool;
        default = true;
        description = "Whether to automatically open the specified ports in the firewall.";
      };
      settings = mkOption {
        description = "Configuration for `sshd_config(5)`.";
        default = { };
        type = types.submodule {
          freeformType = settingsType;
          options = {
            LogLevel = mkOption {
              type = types.nullOr (types.enum [ "QUIET" "FATAL" "ERROR" "INFO" "VERBOSE" "DEBUG" "DEBUG1" "DEBUG2" "DEBUG3" ]);
              default = "INFO";
              description = "Gives the verbosity level that is used when logging messages from sshd(8).";
            };
            UseDns = mkOption {
              type = types.nullOr types.bool;
              default = false;
              description = "Whether sshd(8) should look up the remote host name.";
            };
            X11Forwarding = mkOption {
              type = types.nullOr types.bool;
              default = false;
              description = "Whether to allow X11 connections to be forwarded.";
            };
            PasswordAuthentication = mkOption {
              type = types.nullOr types.bool;
              default = true;
              description = "Specifies whether password authentication is allowed.";
            };
            PermitRootLogin = mkOption {
              default = "prohibit-password";
              type = types.nullOr (types.enum [ "yes" "without-password" "prohibit-password" "forced-commands-only" "no" ]);
              description = "Whether the root user can login using ssh.";
            };
            KbdInteractiveAuthentication = mkOption {
              type = types.nullOr types.bool;
              default = true;
              description = "Specifies whether keyboard-interactive authentication is allowed.";
            };
          };
        };
      };
    };
  };

  config = lib.mkIf cfg.enable {
    networking.firewall.allowedTCPPorts = lib.optionals cfg.openFirewall cfg.ports;
  };
}
