# TEST DOUBLE for nixpkgs/nixos/default.nix: see ../README.md.
{ configuration ? <nixos-config>, system ? builtins.currentSystem }:
let
  lib = import ../lib.nix;
  pkgs = import ../pkgs.nix;
  eval = import ./eval.nix { inherit lib pkgs system; modulesPath = ./modules; };
in
eval configuration
