# TEST DOUBLE for nixpkgs/nixos/default.nix (same interface; see ../README.md).
# With the real nixpkgs lib/ beside this directory (the test helper and
# scripts/demo.sh copy it in), the configuration is evaluated by the real
# lib.evalModules, as lib/eval-config.nix does. Without it, the old
# hand-written evaluator in ./stub is the fallback.
{
  configuration ? import ./lib/from-env.nix "NIXOS_CONFIG" <nixos-config>,
  system ? builtins.currentSystem,
}:
let
  haveLib = builtins.pathExists ../lib/default.nix;
  eval = import ./lib/eval-config.nix {
    inherit system;
    modules = [ configuration ];
  };
in
if !haveLib then
  import ./stub { inherit configuration system; }
else
  {
    inherit (eval) config options lib pkgs;
    system = eval.config.system.build.toplevel;
  }
