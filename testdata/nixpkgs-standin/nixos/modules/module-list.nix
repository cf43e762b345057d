# TEST DOUBLE for nixpkgs' nixos/modules/module-list.nix: only the
# modules whose options isoforge renders or its examples set. Each file
# names the nixpkgs file it follows.
[
  ./config/i18n.nix
  ./config/console.nix
  ./config/locale.nix
  ./config/system-path.nix
  ./config/users-groups.nix
  ./image/images.nix
  ./misc/assertions.nix
  ./misc/label.nix
  ./misc/nixpkgs.nix
  ./misc/version.nix
  ./services/networking/firewall.nix
  ./services/networking/networkmanager.nix
  ./services/networking/ssh/sshd.nix
  ./services/networking/wpa_supplicant.nix
  ./services/x11/xserver.nix
  ./system/activation/top-level.nix
  ./system/build.nix
  ./system/boot/kernel.nix
  ./system/boot/systemd.nix
  ./tasks/network-interfaces.nix
  ./testing/isoforge-standin.nix
]
