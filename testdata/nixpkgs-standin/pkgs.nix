# TEST DOUBLE: a fixed package set standing in for nixpkgs' pkgs. Asking
# for any other attribute fails evaluation ("attribute 'x' missing"), as a
# missing nixpkgs attribute does. Each package is a real, tiny derivation
# (accepted by types.package) that builds only if something uses its path.
{ lib, hostPlatform }:
let
  pkg =
    name:
    derivation {
      inherit name;
      system = hostPlatform.system;
      builder = "/bin/sh";
      args = [
        "-c"
        "echo 'TEST DOUBLE: stand-in for the ${name} package' > $out"
      ];
    }
    // {
      pname = name;
      meta.description = "TEST DOUBLE for ${name}";
    };
  set = names: lib.genAttrs names pkg;
in
set [
  "htop" "git" "vim" "tcpdump" "iperf3" "curl" "wget" "tmux" "jq" "rsync"
  "ddrescue" "testdisk" "parted" "gptfdisk" "lsof" "strace" "mtr" "nmap"
  "ethtool" "pciutils" "usbutils" "smartmontools" "python3" "wpa_supplicant"
]
// {
  python3Packages = set [ "requests" "pyyaml" ];
  inherit lib;
  targetPlatform = hostPlatform;
  stdenv = {
    inherit hostPlatform;
    buildPlatform = hostPlatform;
    system = hostPlatform.system;
  };
}
