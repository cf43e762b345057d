# TEST DOUBLE of nixpkgs nixos/modules/config/users-groups.nix:
# users.users is attrsOf (submodule userOpts), with the user options
# isoforge and the installer profiles set, root defined as in nixpkgs, and
# its per-user assertions. openssh.* comes from services/networking/ssh/sshd.nix.
{ config, lib, ... }:
let
  inherit (lib) mkOption mkDefault types;
  cfg = config.users;

  passwordDescription = "The options hashedPassword, password and initialPassword control what password is set.";

  userOpts =
    { name, config, ... }:
    {
      options = {
        name = mkOption {
          type = types.passwdEntry types.str;
          description = "The name of the user account. If undefined, the name of the attribute set will be used.";
        };
        description = mkOption {
          type = types.passwdEntry types.str;
          default = "";
          description = "A short description of the user account.";
        };
        uid = mkOption {
          type = with types; nullOr int;
          default = null;
          description = "The account UID.";
        };
        isSystemUser = mkOption {
          type = types.bool;
          default = false;
          description = "Indicates if the user is a system user or not.";
        };
        isNormalUser = mkOption {
          type = types.bool;
          default = false;
          description = "Indicates whether this is an account for a \"real\" user.";
        };
        group = mkOption {
          type = types.str;
          default = "";
          description = "The user's primary group.";
        };
        extraGroups = mkOption {
          type = types.listOf types.str;
          default = [ ];
          description = "The user's auxiliary groups.";
        };
        home = mkOption {
          type = types.passwdEntry types.path;
          default = "/var/empty";
          description = "The user's home directory.";
        };
        hashedPassword = mkOption {
          type = with types; nullOr (passwdEntry str);
          default = null;
          description = "Specifies the hashed password for the user. ${passwordDescription}";
        };
        password = mkOption {
          type = with types; nullOr str;
          default = null;
          description = "Specifies the (clear text) password for the user. ${passwordDescription}";
        };
        initialHashedPassword = mkOption {
          type = with types; nullOr (passwdEntry str);
          default = null;
          description = "Specifies the initial hashed password for the user. ${passwordDescription}";
        };
        initialPassword = mkOption {
          type = with types; nullOr str;
          default = null;
          description = "Specifies the initial password for the user. ${passwordDescription}";
        };
      };

      config = lib.mkMerge [
        { name = mkDefault name; }
        (lib.mkIf config.isNormalUser {
          group = mkDefault "users";
          home = mkDefault "/home/${config.name}";
          isSystemUser = mkDefault false;
        })
      ];
    };

  userAssertions =
    name: user:
    [
      {
        assertion = (user.hashedPassword != null) -> (builtins.match ".*:.*" user.hashedPassword == null);
        message = ''
          The password hash of user "${user.name}" contains a ":" character.
          This is invalid and would break the login system because the fields
          of /etc/shadow (file where hashes are stored) are colon-separated.
          Please check the value of option `users.users."${user.name}".hashedPassword`.'';
      }
      {
        assertion =
          let
            isEffectivelySystemUser = user.isSystemUser || (user.uid != null && user.uid < 1000);
          in
          lib.xor isEffectivelySystemUser user.isNormalUser;
        message = ''
          Exactly one of users.users.${user.name}.isSystemUser and users.users.${user.name}.isNormalUser must be set.
        '';
      }
      {
        assertion = user.group != "";
        message = ''
          users.users.${user.name}.group is unset. This used to default to
          nogroup, but this is unsafe. For example you can create a group
          for this user with:
          users.users.${user.name}.group = "${user.name}";
          users.groups.${user.name} = {};
        '';
      }
    ];
in
{
  options.users.users = mkOption {
    default = { };
    type = with types; attrsOf (submodule userOpts);
    example = {
      alice = {
        isNormalUser = true;
        extraGroups = [ "wheel" ];
      };
    };
    description = "Additional user accounts to be created automatically by the system.";
  };

  config = {
    users.users.root = {
      uid = 0;
      description = "System administrator";
      home = "/root";
      group = "root";
    };

    assertions = lib.concatLists (lib.mapAttrsToList userAssertions cfg.users);
  };
}
