# TEST DOUBLE only: the evaluated configuration the stand-in's image
# builders embed as /isoforge-config.json, so tests can read back what
# the rendered module and nixpkgs' defaults produced. Keys read by
# isoforge's tests: hostName, timeZone, packages, authorizedKeys,
# kernelParams, volumeID.
config:
let
  iso = config.isoImage or { };
  ssh = config.services.openssh;
in
builtins.toJSON {
  hostName = config.networking.hostName;
  timeZone = config.time.timeZone;
  defaultLocale = config.i18n.defaultLocale;
  keyMap = config.console.keyMap;
  kernelParams = config.boot.kernelParams;
  authorizedKeys = config.users.users.root.openssh.authorizedKeys.keys;
  packages = map (p: p.pname or p.name) config.environment.systemPackages;
  openssh = {
    inherit (ssh) enable openFirewall;
    inherit (ssh.settings) PermitRootLogin PasswordAuthentication KbdInteractiveAuthentication;
  };
  firewall.allowedTCPPorts = config.networking.firewall.allowedTCPPorts;
  wireless = {
    inherit (config.networking.wireless) enable;
    networks = builtins.attrNames config.networking.wireless.networks;
  };
  wpaSupplicantWantedBy = config.systemd.services.wpa_supplicant.wantedBy or null;
  edition = iso.edition or null;
  volumeID = iso.volumeID or null;
  makeEfiBootable = iso.makeEfiBootable or null;
  makeUsbBootable = iso.makeUsbBootable or null;
  squashfsCompression = iso.squashfsCompression or null;
  stateVersion = config.system.stateVersion;
  # Only image modules that import disk-size-option.nix have it.
  diskSize = config.virtualisation.diskSize or null;
  nixos = {
    inherit (config.system.nixos) release revision versionSuffix label;
  };
}
