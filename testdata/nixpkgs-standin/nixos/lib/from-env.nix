# As nixpkgs' nixos/lib/from-env.nix: an environment variable overrides a default.
name: default:
let
  value = builtins.getEnv name;
in
if value == "" then default else value
