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
  hydraType ? null,
  # or several "<type> <path relative to $out>" lines, as nixpkgs writes
  # them (a line may name a file a postVM deleted)
  products ? [ "${hydraType} ${file}" ],
  kvm ? false,
}:
let
  system = pkgs.stdenv.hostPlatform.system;
  # An aarch64 derivation runs an aarch64 builder, as real nixpkgs'
  # stdenv does: on an x86_64 host that takes binfmt_misc's qemu-aarch64
  # (registered with the F flag, so it works inside containers). The test
  # builder image variant (testdata/builder/Containerfile.buildusers)
  # carries Debian's static aarch64 busybox there.
  aarch64Busybox = "/opt/isoforge-test/aarch64/busybox";
  emulated = system == "aarch64-linux";
in
derivation (
  {
    inherit name file system;
    products = builtins.concatStringsSep "\n" products;
    builder = if emulated then aarch64Busybox else "/bin/sh";
    uname = if emulated then "${aarch64Busybox} uname" else "uname";
    PATH = "/usr/bin:/bin";
    toplevel = config.system.build.toplevel;
    report = import ./standin-report.nix config;
    sleep = toString config.isoforge.standin.sleep;
    args = (if emulated then [ "sh" ] else [ ]) ++ [
      "-c"
      ''
        set -e
        sleep "$sleep"
        if [ -n "''${requiredSystemFeatures:-}" ]; then
          # What QEMU does first in nixpkgs' runInLinuxVM: open /dev/kvm.
          # Nix offers the kvm feature when the user running nix can open
          # it; the build itself may run as a build user who cannot.
          if ! (exec 3<>/dev/kvm) 2>/dev/null; then
            echo "Could not access KVM kernel module: cannot open /dev/kvm as uid $(id -u)" >&2
            exit 1
          fi
        fi
        mkdir -p "$out/nix-support" "$(dirname "$out/$file")"
        {
          echo "TEST DOUBLE: built by isoforge's nixpkgs stand-in, not a bootable image"
          echo "built by uid $(id -u) on $($uname -m)''${requiredSystemFeatures:+ with /dev/kvm}"
          printf '%s\n' "$report"
        } > "$out/$file"
        echo "$system" > "$out/nix-support/system"
        printf '%s\n' "$products" | while read -r type path; do
          echo "file $type $out/$path" >> "$out/nix-support/hydra-build-products"
        done
      ''
    ];
  }
  // (if kvm then { requiredSystemFeatures = [ "kvm" ]; } else { })
)
