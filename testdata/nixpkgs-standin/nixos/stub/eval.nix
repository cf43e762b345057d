# TEST DOUBLE: a miniature NixOS module system. Modules are functions or
# attribute sets; imports are followed depth-first, the importing module's
# definitions override its imports', and lib.mkOverride priorities win
# over order (lower priority number wins, plain definitions are 100).
{ lib, pkgs, system, modulesPath }:
configuration:
let
  isOverride = v: builtins.isAttrs v && (v._type or "") == "override";
  prio = v: if isOverride v then v.priority else 100;
  strip = v: if isOverride v then v.content else v;
  isDrv = v: builtins.isAttrs v && (v.type or "") == "derivation";

  mergeValue = a: b:
    let pa = prio a; pb = prio b; sa = strip a; sb = strip b; in
    if pa < pb then a
    else if pb < pa then b
    else if builtins.isAttrs sa && builtins.isAttrs sb && !(isDrv sa) && !(isDrv sb) then merge sa sb
    else if builtins.isList sa && builtins.isList sb then sa ++ sb
    else b;

  merge = a: b: a // builtins.mapAttrs (n: v: if a ? ${n} then mergeValue a.${n} v else v) b;

  clean = v:
    let s = strip v; in
    if isDrv s then s
    else if builtins.isAttrs s then builtins.mapAttrs (_: clean) s
    else s;

  args = { inherit config lib pkgs modulesPath; options = { }; };

  load = m:
    let
      v = if builtins.isPath m || builtins.isString m then import m else m;
    in
    if builtins.isFunction v then v args else v;

  definitions = m:
    let r = load m; in
    if r ? config && (r ? options || r ? imports) then r.config
    else builtins.removeAttrs r [ "imports" "options" ];

  collect = m:
    let r = load m; in
    builtins.concatMap collect (r.imports or [ ]) ++ [ (definitions m) ];

  # Option defaults, at the priority of lib.mkOptionDefault.
  defaults = {
    networking.hostName = lib.mkOverride 1500 "nixos";
    nixpkgs.hostPlatform = lib.mkOverride 1500 system;
    isoImage.edition = lib.mkOverride 1500 "";
  };

  config = clean (builtins.foldl' merge defaults (collect configuration));
in
{
  inherit config pkgs;
  system = config.system.build.toplevel or null;
}
