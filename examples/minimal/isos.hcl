# The seed's ISO: a NixOS minimal installer that root can SSH into with
# your key, with htop on board. Build it with `isoforge apply`.

variable "admin_key" {
  type        = string
  description = "OpenSSH public key allowed to log in as root on the installer."
  default     = file("admin.pub")
}

nixpkgs {
  channel = "nixos-24.11" # pinned to an exact revision in isos.lock.hcl
}

variant "installer" {
  packages            = ["htop"]
  ssh_authorized_keys = [var.admin_key]
}
