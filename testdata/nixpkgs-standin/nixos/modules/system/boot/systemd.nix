# TEST DOUBLE of nixpkgs nixos/modules/system/boot/systemd.nix with the
# service options of nixos/lib/systemd-unit-options.nix (unit name type
# from nixos/lib/systemd-lib.nix): systemd.services.<name>, enough of the
# submodule for the dependency lists, description, enable and script.
{ lib, ... }:
let
  inherit (lib) mkOption types;
  unitNameType = types.strMatching "[a-zA-Z0-9@%:_.\\-]+[.](service|socket|device|mount|automount|swap|target|path|timer|scope|slice)";
  unitList =
    description:
    mkOption {
      default = [ ];
      type = types.listOf unitNameType;
      inherit description;
    };
  # nixos/lib/systemd-unit-options.nix's unitOption: atoms or lists of them.
  unitOptionAtom = types.oneOf [ types.bool types.int types.str types.path ];
  unitOption = types.either unitOptionAtom (types.listOf unitOptionAtom);

  serviceOptions = {
    options = {
      enable = mkOption {
        default = true;
        type = types.bool;
        description = "If set to false, this unit will be a symlink to /dev/null.";
      };
      description = mkOption {
        default = "";
        type = types.singleLineStr;
        description = "Description of this unit used in systemd messages and progress indicators.";
      };
      wantedBy = unitList "Units that want (i.e. depend on) this unit.";
      requiredBy = unitList "Units that require (i.e. depend on and need to go down with) this unit.";
      upheldBy = unitList "Keep this unit running as long as the listed units are running.";
      requires = unitList "Start the specified units when this unit is started, and stop this unit when the specified units are stopped or fail.";
      wants = unitList "Start the specified units when this unit is started.";
      after = unitList "If the specified units are started at the same time as this unit, delay this unit until they have started.";
      before = unitList "If the specified units are started at the same time as this unit, delay them until this unit has started.";
      bindsTo = unitList "Like requires, but in addition, if the specified units unexpectedly disappear, this unit will be stopped as well.";
      partOf = unitList "If the specified units are stopped or restarted, then this unit is stopped or restarted as well.";
      conflicts = unitList "If the specified units are started, then this unit is stopped and vice versa.";
      environment = mkOption {
        default = { };
        type = with types; attrsOf (nullOr (oneOf [ str path package ]));
        description = "Environment variables passed to the service's processes.";
      };
      path = mkOption {
        default = [ ];
        type = with types; listOf (oneOf [ package str ]);
        description = "Packages added to the service's PATH environment variable.";
      };
      serviceConfig = mkOption {
        default = { };
        type = types.attrsOf unitOption;
        description = "Each attribute in this set specifies an option in the [Service] section of the unit file.";
      };
      script = mkOption {
        type = types.lines;
        default = "";
        description = "Shell commands executed as the service's main process.";
      };
    };
  };
in
{
  options.systemd.services = mkOption {
    default = { };
    type = types.attrsOf (types.submodule serviceOptions);
    description = "Definition of systemd service units.";
  };
}
