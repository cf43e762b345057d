# TEST DOUBLE of nixpkgs nixos/modules/installer/cd-dvd/iso-image.nix
# (26.11pre): the isoImage options isoforge renders with nixpkgs' types and
# defaults, isoName/isoBaseName renamed to image.fileName/image.baseName
# (sinceRelease 2505), the volumeID <= 32 assertion, the kernel parameters
# it adds, image.* naming, and system.build.isoImage: a real derivation
# (nixos/lib/make-iso9660-image.nix's shape) whose builder runs xorriso and
# writes $out/iso/<image.baseName>.iso and
# $out/nix-support/hydra-build-products as make-iso9660-image.sh does. The
# ISO holds the evaluated configuration (/isoforge-config.json), not NixOS;
# in the test builder image it also boots (BIOS and EFI) into a busybox
# initramfs with the evaluated hostname, root's authorized keys, sshd on
# port 22 when services.openssh.enable, and one stub program per package
# (nixos/lib/standin-boot.sh, TEST DOUBLE only).
{ config, lib, pkgs, ... }:
let
  cfg = config.isoImage;
  isoName = "${config.image.baseName}.iso";
in
{
  imports = [
    (lib.mkRenamedOptionModuleWith {
      sinceRelease = 2505;
      from = [ "isoImage" "isoBaseName" ];
      to = [ "image" "baseName" ];
    })
    (lib.mkRenamedOptionModuleWith {
      sinceRelease = 2505;
      from = [ "isoImage" "isoName" ];
      to = [ "image" "fileName" ];
    })
    ../../image/file-options.nix
  ];

  options.isoImage = {
    compressImage = lib.mkOption {
      default = false;
      type = lib.types.bool;
      description = "Whether the ISO image should be compressed using {command}`zstd`.";
    };
    squashfsCompression = lib.mkOption {
      default = "zstd -Xcompression-level 19";
      type = lib.types.nullOr lib.types.str;
      example = "zstd -Xcompression-level 6";
      description = "Compression settings to use for the squashfs nix store. `null` disables compression.";
    };
    edition = lib.mkOption {
      default = "";
      type = lib.types.str;
      description = "Specifies which edition string to use in the volume ID of the generated ISO image.";
    };
    volumeID = lib.mkOption {
      # nixos-$EDITION-$RELEASE-$ARCH
      default = "nixos${
        lib.optionalString (cfg.edition != "") "-${cfg.edition}"
      }-${config.system.nixos.release}-${pkgs.stdenv.hostPlatform.uname.processor}";
      type = lib.types.str;
      description = "Specifies the label or volume ID of the generated ISO image.";
    };
    makeBiosBootable = lib.mkOption {
      default = pkgs.stdenv.buildPlatform.isx86 && pkgs.stdenv.hostPlatform.isx86;
      type = lib.types.bool;
      description = "Whether the ISO image should be a BIOS-bootable disk.";
    };
    makeEfiBootable = lib.mkOption {
      default = false;
      type = lib.types.bool;
      description = "Whether the ISO image should be an EFI-bootable volume.";
    };
    makeUsbBootable = lib.mkOption {
      default = false;
      type = lib.types.bool;
      description = "Whether the ISO image should be bootable from CD as well as USB.";
    };
    appendToMenuLabel = lib.mkOption {
      default = " Installer";
      type = lib.types.str;
      description = "The string to append after the menu label for the NixOS system.";
    };
  };

  config = {
    assertions = [
      {
        # Syslinux (and isolinux) only supports x86-based architectures.
        assertion = cfg.makeBiosBootable -> pkgs.stdenv.hostPlatform.isx86;
        message = "BIOS boot is only supported on x86-based architectures.";
      }
      {
        assertion = !(lib.stringLength cfg.volumeID > 32);
        # https://wiki.osdev.org/ISO_9660#The_Primary_Volume_Descriptor
        # Volume Identifier can only be 32 bytes
        message =
          let
            length = lib.stringLength cfg.volumeID;
            howmany = toString length;
            toomany = toString (length - 32);
          in
          "isoImage.volumeID ${cfg.volumeID} is ${howmany} characters. That is ${toomany} characters longer than the limit of 32.";
      }
    ];

    # nixpkgs adds these unless boot.initrd.systemd.enable (false by
    # default; the stand-in does not model the systemd initrd).
    boot.kernelParams = [
      "boot.shell_on_fail"
      "root=LABEL=${cfg.volumeID}"
    ];

    image.extension = if cfg.compressImage then "iso.zst" else "iso";
    image.filePath = "iso/${config.image.fileName}";
    image.baseName = "nixos${
      lib.optionalString (cfg.edition != "") "-${cfg.edition}"
    }-${config.system.nixos.label}-${pkgs.stdenv.hostPlatform.system}";
    system.build.image = config.system.build.isoImage;
    system.build.isoImage = derivation {
      name = isoName;
      system = pkgs.stdenv.hostPlatform.system;
      builder = "/bin/sh";
      PATH = "/usr/bin:/bin";
      # Reproducible images, as nixpkgs' stdenv default and
      # nixos/lib/make-iso9660-image.sh's -volume_date make them.
      SOURCE_DATE_EPOCH = "315532800";
      inherit isoName;
      inherit (cfg) volumeID;
      compressImage = if cfg.compressImage then "1" else "";
      # The image holds the system closure, as squashfsContents does in nixpkgs.
      toplevel = config.system.build.toplevel;
      label = config.system.nixos.label;
      report = import ../../../lib/standin-report.nix config;
      sleep = toString config.isoforge.standin.sleep;
      bootable = if config.isoforge.standin.bootable then "1" else "";
      # What the bootable image needs (nixos/lib/standin-boot.sh).
      bootScript = ../../../lib/standin-boot.sh;
      hostName = config.networking.hostName;
      authorizedKeys = lib.concatStringsSep "\n" config.users.users.root.openssh.authorizedKeys.keys;
      programs = toString (map (p: p.meta.mainProgram or p.pname or (lib.getName p)) config.environment.systemPackages);
      sshd = if config.services.openssh.enable then "1" else "";
      kernelParams = toString config.boot.kernelParams;
      menuLabel = cfg.appendToMenuLabel;
      args = [
        "-c"
        ''
          set -e
          sleep "$sleep"
          mkdir -p root "$out/iso" "$out/nix-support"
          printf '%s' "$report" > root/isoforge-config.json
          printf '%s' "$label" > root/version.txt
          cp "$toplevel/nixos-version" root/nixos-version
          echo "TEST DOUBLE: built by isoforge's nixpkgs stand-in, not NixOS" > root/README.txt
          if [ -n "$bootable" ] && ls /boot/vmlinuz-* >/dev/null 2>&1; then
            . "$bootScript"
            standin_bootable_iso "$out/iso/$isoName"
          else
            if [ -z "$bootable" ]; then
              echo "isoforge stand-in: isoforge.standin.bootable = false: the ISO does not boot"
            else
              echo "isoforge stand-in: no kernel in this builder image (testdata/builder has one): the ISO does not boot"
            fi
            xorriso -volume_date all_file_dates ="$SOURCE_DATE_EPOCH" -as mkisofs -quiet -o "$out/iso/$isoName" -V "$volumeID" -J -R root
          fi
          echo "Writing to 'stdio:$out/iso/$isoName'"
          if [ -n "$compressImage" ]; then
            zstd --rm "$out/iso/$isoName"
          fi
          echo "$system" > "$out/nix-support/system"
          if [ -n "$compressImage" ]; then
            echo "file iso $out/iso/$isoName.zst" >> "$out/nix-support/hydra-build-products"
          else
            echo "file iso $out/iso/$isoName" >> "$out/nix-support/hydra-build-products"
          fi
        ''
      ];
    };
  };
}
