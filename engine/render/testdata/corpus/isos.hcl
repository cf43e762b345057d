# The render test corpus: one variant per rendering rule. Every variant
# is rendered to a golden file and evaluated by the real NixOS module
# system (the nixpkgs stand-in in testdata/), with a pinned revision.

variable "wifi_psk" {
  type      = string
  sensitive = true
  default   = "correct horse battery"
}

nixpkgs {
  rev = "5ef6c425980847c78a80d759abc476e941a9bf42"
}

defaults {
  ssh_authorized_keys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKzBtf2H9nMYYmRPUMNfraf/kLnPJc7zQvnJxfNGW2BT admin@example.org"]
  kernel_params       = ["console=ttyS0,115200"]
  packages            = ["htop"]
}

# A live ISO without the installer profile: sshd, EFI and USB come from
# isoforge, not from nixpkgs' defaults.
variant "live" {
  format    = "iso"
  hostname  = "live"
  iso_label = "CORPUS_LIVE"
}

# The nix body adds to the lists the settings set: the module system
# merges them.
variant "merge" {
  modules = ["modules/extra.nix"]
  nix     = <<-EOT
    boot.kernelParams = [ "quiet" ];
    environment.systemPackages = [ pkgs.git ];
    imports = [ (src + "/modules/firewall.nix") ];
  EOT
}

variant "wifi" {
  hostname = "roamer"
  wifi = {
    ssid = "fleet-install"
    psk  = var.wifi_psk
  }
}

variant "open-wifi" {
  format = "iso"
  wifi   = { ssid = "cafe" }
}

variant "squash" {
  squashfs_compression = "zstd -Xcompression-level 6"
  timezone             = "Europe/Amsterdam"
  locale               = "en_US.UTF-8"
  keymap               = "de-latin1"
}

# No keys: sshd stays as the format's profile has it.
variant "nokeys" {
  ssh_authorized_keys = []
  format              = "iso"
}

# efi = false: a BIOS-only live ISO. isoforge's mkDefault true for iso
# gives way to the efi attribute's definition.
variant "bios" {
  format = "iso"
  efi    = false
}
