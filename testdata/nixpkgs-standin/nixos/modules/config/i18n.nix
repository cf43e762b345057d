# TEST DOUBLE of nixpkgs nixos/modules/config/i18n.nix: i18n.defaultLocale.
{ lib, ... }:
{
  options.i18n.defaultLocale = lib.mkOption {
    type = lib.types.str;
    default = "en_US.UTF-8";
    example = "nl_NL.UTF-8";
    description = "The default locale.";
  };
}
