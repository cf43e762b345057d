# A fleet of installer ISOs: a rescue ISO plus one installer per site.
# Every variant shares the defaults; the site installers also inherit the
# abstract "networked" variant and are stamped out with for_each.

variable "admin_keys_file" {
  type        = string
  description = "authorized_keys file whose keys may log in as root."
  default     = "keys/admins.pub"
}

locals {
  base_packages = ["htop", "git", "vim"]
  sites = {
    ams = "Europe/Amsterdam"
    fra = "Europe/Berlin"
    nyc = "America/New_York"
  }
}

nixpkgs {
  channel = "nixos-24.11"
}

runtime {
  engine      = "auto"
  parallelism = 2
}

defaults {
  format              = "iso-installer"
  system              = "x86_64-linux"
  packages            = local.base_packages
  ssh_authorized_keys = compact(split("\n", file(var.admin_keys_file)))
  kernel_params       = ["console=ttyS0,115200"]
}

variant "rescue" {
  packages  = concat(local.base_packages, ["ddrescue", "testdisk"])
  iso_label = "FLEET_RESCUE"
}

# Not built itself: a template the site installers inherit.
variant "networked" {
  abstract = true
  packages = concat(local.base_packages, ["tcpdump", "iperf3"])
  modules  = ["modules/wifi.nix"]
}

variant "site" {
  for_each = local.sites
  inherits = ["networked"]
  hostname = "installer-${each.key}"
  timezone = each.value
  nix      = <<-EOT
    services.openssh.settings.PasswordAuthentication = false;
  EOT
}
