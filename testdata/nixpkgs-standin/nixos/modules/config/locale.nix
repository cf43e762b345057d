# TEST DOUBLE of nixpkgs nixos/modules/config/locale.nix: time.timeZone.
{ lib, ... }:
{
  options.time.timeZone = lib.mkOption {
    default = null;
    type =
      with lib.types;
      nullOr (addCheck str (str: (builtins.match "[^[:space:]]*" str) != null))
      // {
        description = "null or string without spaces";
      };
    example = "America/New_York";
    description = "The time zone used when displaying times and dates.";
  };
}
