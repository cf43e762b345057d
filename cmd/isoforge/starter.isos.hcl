# isos.hcl: NixOS installer ISOs built by isoforge.
# Reference: https://github.com/isoforge/isoforge/blob/main/docs/isos-hcl.md
#
#   isoforge validate   check this file (offline, fast)
#   isoforge plan       show what would be built and why
#   isoforge apply      build what changed into out/

# Values you may override with -var, -var-file or ISOFORGE_VAR_admin_key.
variable "admin_key" {
  type        = string
  description = "OpenSSH public key allowed to log in as root on the installer."
  default     = file("KEYFILE")
}

# Which nixpkgs to build with. The channel is resolved once and pinned to
# an exact revision in isos.lock.hcl; `isoforge lock -update` moves it.
nixpkgs {
  channel = "nixos-24.11"
}

# One ISO. Add more variant blocks, or use for_each and inherits for fleets.
variant "installer" {
  format              = "iso-installer" # the minimal NixOS installer
  packages            = ["htop"]
  ssh_authorized_keys = [var.admin_key]
}
