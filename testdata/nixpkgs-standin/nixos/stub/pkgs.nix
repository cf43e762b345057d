# TEST DOUBLE: a fixed set of package names. Asking for any other
# attribute fails evaluation, as a missing nixpkgs attribute does.
let
  pkg = name: { type = "package"; inherit name; pname = name; };
  set = names: builtins.listToAttrs (map (n: { name = n; value = pkg n; }) names);
in
set [
  "htop" "git" "vim" "tcpdump" "iperf3" "curl" "wget" "tmux" "jq" "rsync"
  "ddrescue" "testdisk" "parted" "gptfdisk" "lsof" "strace" "mtr" "nmap"
  "ethtool" "pciutils" "usbutils" "smartmontools" "python3"
] // {
  python3Packages = set [ "requests" "pyyaml" ];
}
