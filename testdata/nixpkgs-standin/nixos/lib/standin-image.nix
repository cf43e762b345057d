# TEST DOUBLE only: the builder of the stand-in's system.build.images
# variants. Instead of a disk image it writes a small placeholder file (the
# evaluated configuration as JSON) at the exact path nixpkgs' builder
# writes, plus nix-support/system and the hydra-build-products line nixpkgs
# writes. requiredSystemFeatures = [ "kvm" ] where nixpkgs' builder runs in
# a VM (make-disk-image.nix through vmTools.runInLinuxVM).
{
  config,
  pkgs,
  # derivation name, as nixpkgs' builder names it
  name,
  # the file's path relative to $out
  file,
  # the type in "file <type> <path>" of hydra-build-products
  hydraType,
  kvm ? false,
}:
derivation (
  {
    inherit name file hydraType;
    system = pkgs.stdenv.hostPlatform.system;
    builder = "/bin/sh";
    PATH = "/usr/bin:/bin";
    toplevel = config.system.build.toplevel;
    report = import ./standin-report.nix config;
    sleep = toString config.isoforge.standin.sleep;
    args = [
      "-c"
      ''
        set -e
        sleep "$sleep"
        mkdir -p "$out/nix-support" "$(dirname "$out/$file")"
        {
          echo "TEST DOUBLE: built by isoforge's nixpkgs stand-in, not a bootable image"
          printf '%s\n' "$report"
        } > "$out/$file"
        echo "$system" > "$out/nix-support/system"
        echo "file $hydraType $out/$file" >> "$out/nix-support/hydra-build-products"
      ''
    ];
  }
  // (if kvm then { requiredSystemFeatures = [ "kvm" ]; } else { })
)
