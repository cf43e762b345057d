# TEST DOUBLE: the few lib functions rendered modules and tests use.
rec {
  mkOverride = priority: content: { _type = "override"; inherit priority content; };
  mkForce = mkOverride 50;
  mkDefault = mkOverride 1000;
  mkImageMediaOverride = mkOverride 60;
  trivial.release = "26.11";
  mkIf = cond: content: if cond then content else { };
  optional = cond: x: if cond then [ x ] else [ ];
  optionals = cond: xs: if cond then xs else [ ];
  optionalString = cond: s: if cond then s else "";
  concatStringsSep = builtins.concatStringsSep;
}
