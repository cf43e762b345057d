# TEST DOUBLE for nixpkgs' nixos/lib/eval-config.nix (with
# nixos/lib/eval-config-minimal.nix): lib.evalModules over the stand-in's
# module list, class "nixos", specialArgs.modulesPath, and
# nixpkgs.system = mkDefault system. pkgs comes from _module.args as in
# nixpkgs (set by ../modules/misc/nixpkgs.nix).
{
  system ? builtins.currentSystem,
  modules,
  specialArgs ? { },
  lib ? import ../../lib,
}:
let
  pkgsModule = {
    _file = ./eval-config.nix;
    key = ./eval-config.nix;
    config = lib.mkIf (system != null) { nixpkgs.system = lib.mkDefault system; };
  };
  eval = lib.evalModules {
    class = "nixos";
    specialArgs = { modulesPath = builtins.toString ../modules; } // specialArgs;
    modules = import ../modules/module-list.nix ++ [ pkgsModule ] ++ modules;
  };
in
eval // { inherit (eval._module.args) pkgs; inherit lib; }
