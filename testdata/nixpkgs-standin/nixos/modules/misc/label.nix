# TEST DOUBLE of nixpkgs nixos/modules/misc/label.nix: system.nixos.label
# and tags, defaulting to the sorted tags and the version.
{ config, lib, ... }:
let
  cfg = config.system.nixos;
in
{
  options.system.nixos = {
    label = lib.mkOption {
      type = lib.types.strMatching "[a-zA-Z0-9:_\\.-]*";
      description = "NixOS version name to be used in the names of generated outputs and boot labels.";
    };
    tags = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ ];
      example = [ "with-xen" ];
      description = "Strings to prefix to the default system.nixos.label.";
    };
  };

  config.system.nixos.label = lib.mkDefault (
    lib.maybeEnv "NIXOS_LABEL" (
      lib.concatStringsSep "-" (
        (lib.sort (x: y: x < y) cfg.tags) ++ [ (lib.maybeEnv "NIXOS_LABEL_VERSION" cfg.version) ]
      )
    )
  );
}
