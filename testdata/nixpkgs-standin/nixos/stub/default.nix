# TEST DOUBLE, fallback only: the old hand-written mini module system,
# used when the stand-in was handed over without the real nixpkgs lib/
# beside it (a clone without ../shared). It accepts any option; the Go
# test helper and scripts/demo.sh log a line whenever it is used.
{ configuration, system }:
let
  lib = import ./lib.nix;
  pkgs = import ./pkgs.nix;
  eval = import ./eval.nix { inherit lib pkgs system; modulesPath = toString ./modules; };
in
eval configuration
