# TEST DOUBLE of nixpkgs nixos/modules/config/console.nix: console.keyMap.
{ lib, ... }:
{
  options.console.keyMap = lib.mkOption {
    type = with lib.types; either str path;
    default = "us";
    example = "fr";
    description = "The keyboard mapping table for the virtual consoles.";
  };
}
