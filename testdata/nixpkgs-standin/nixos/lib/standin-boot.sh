# TEST DOUBLE only, not nixpkgs: makes the stand-in's ISO really boot, so
# `isoforge test` and `isoforge run` exercise their whole path. Sourced by
# the ISO builder of installer/cd-dvd/iso-image.nix with the evaluated
# configuration in its environment ($hostName, $authorizedKeys,
# $programs, $sshd, $kernelParams, $label, $menuLabel, $volumeID). It
# assembles, from Debian packages of the test builder image
# (testdata/builder/Containerfile), a busybox + dropbear initramfs and a
# BIOS- and EFI-bootable ISO (grub-mkrescue) holding the files in ./root,
# byte-identical for the same inputs (SOURCE_DATE_EPOCH, see below).
# Real NixOS boots a squashfs Nix store through stage-1/stage-2 instead.
standin_bootable_iso() {
  kernel=$(ls /boot/vmlinuz-* | sort | tail -n 1)
  kver=${kernel#/boot/vmlinuz-}
  init=$PWD/initrd
  mkdir -p "$init/bin" "$init/etc/dropbear" "$init/root/.ssh" "$init/dev" \
    "$init/proc" "$init/sys" "$init/run/current-system/sw/bin" "$init/tmp" \
    "$init/lib/modules" "$init/usr/bin" "$init/usr/sbin" "$init/sbin"
  cp /bin/busybox "$init/bin/busybox"
  for applet in $(/bin/busybox --list-full); do
    [ -e "$init/$applet" ] || ln -s /bin/busybox "$init/$applet"
  done
  # QEMU's e1000 NIC (isoforge boots with -nic user,model=e1000); the
  # Debian kernel builds it as a module.
  find "/lib/modules/$kver" -name 'e1000.ko*' -exec cp {} "$init/lib/modules/" \;
  for f in "$init"/lib/modules/*.xz; do [ -e "$f" ] && xz -d "$f"; done

  printf '%s\n' "$hostName" > "$init/etc/hostname"
  printf 'root:x:0:0:root:/root:/bin/sh\n' > "$init/etc/passwd"
  printf 'root:x:0:\n' > "$init/etc/group"
  printf '/bin/sh\n' > "$init/etc/shells"
  printf '%s\n' "$authorizedKeys" > "$init/root/.ssh/authorized_keys"
  chmod 700 "$init/root" "$init/root/.ssh"
  chmod 600 "$init/root/.ssh/authorized_keys"
  printf 'export PATH=/run/current-system/sw/bin:/usr/sbin:/usr/bin:/sbin:/bin\n' > "$init/etc/profile"

  # One stub per package, named after its main program, where NixOS puts
  # it (/run/current-system/sw/bin), and on dropbear's fixed PATH.
  for p in $programs; do
    printf '#!/bin/sh\necho "TEST DOUBLE: stand-in for the %s package"\n' "$p" \
      > "$init/run/current-system/sw/bin/$p"
    chmod 755 "$init/run/current-system/sw/bin/$p"
    ln -sf "/run/current-system/sw/bin/$p" "$init/usr/bin/$p"
  done

  if [ -n "$sshd" ]; then
    cp /usr/sbin/dropbear "$init/usr/sbin/dropbear"
    ldd /usr/sbin/dropbear | awk '/=> \// {print $3} /^\t\// {print $1}' | while read -r lib; do
      mkdir -p "$init$(dirname "$lib")"
      cp -L "$lib" "$init$lib"
    done
  fi

  cat > "$init/init" <<'EOF'
#!/bin/sh
mount -t devtmpfs devtmpfs /dev
exec 0</dev/console 1>/dev/console 2>&1
exec /sbin/init
EOF
  cat > "$init/etc/rc" <<'EOF'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
hostname -F /etc/hostname
for m in /lib/modules/*.ko; do insmod "$m"; done
ip link set lo up
ip link set eth0 up && udhcpc -i eth0 -n -q -s /etc/udhcpc.script
EOF
  cat > "$init/etc/udhcpc.script" <<'EOF'
#!/bin/sh
case "$1" in
bound | renew)
  ip addr flush dev "$interface"
  ip addr add "$ip/$mask" dev "$interface"
  [ -z "$router" ] || ip route add default via "${router%% *}"
  ;;
esac
EOF
  cat > "$init/bin/autologin" <<EOF
#!/bin/sh
echo
echo "<<< Welcome to NixOS $label (x86_64) - ttyS0 >>> [isoforge nixpkgs stand-in, TEST DOUBLE]"
echo
echo "\$(hostname) login: root (automatic login)"
echo
cd /root
exec /bin/sh -l
EOF
  {
    echo '::sysinit:/etc/rc'
    if [ -n "$sshd" ]; then
      echo '::respawn:/usr/sbin/dropbear -R -F -E -p 22'
    fi
    echo 'ttyS0::respawn:/bin/autologin'
    echo '::shutdown:/bin/sync'
  } > "$init/etc/inittab"
  chmod 755 "$init/init" "$init/etc/rc" "$init/etc/udhcpc.script" "$init/bin/autologin"

  mkdir -p root/boot/grub
  cp "$kernel" root/boot/bzImage
  # The same bytes for the same inputs, whoever builds when: every date
  # is SOURCE_DATE_EPOCH, entries go in sorted order, -R 0:0 makes root
  # own them all (not the build user), --ignore-devno and
  # --renumber-inodes leave the build file system's device and inode
  # numbers out, and gzip -n stores no time stamp.
  find "$init" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
  (cd "$init" && find . | LC_ALL=C sort |
    busybox cpio -o -H newc -R 0:0 --ignore-devno --renumber-inodes 2>/dev/null) |
    gzip -9 -n > root/boot/initrd
  cat > root/boot/grub/grub.cfg <<EOF
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
menuentry "NixOS $label$menuLabel (isoforge stand-in)" {
  linux /boot/bzImage console=tty0 console=ttyS0,115200 $kernelParams
  initrd /boot/initrd
}
EOF
  # grub-mkrescue formats its EFI image (efi.img, the El Torito EFI boot
  # image and the GPT's EFI partition) with `mformat`, which picks a
  # random volume serial; this mformat, first on PATH, passes a fixed one
  # (-N, hex) to Debian's. (mtools takes its dates from SOURCE_DATE_EPOCH.)
  mkdir -p bin
  printf '#!/bin/sh\nexec /usr/bin/mformat -N 4e49584f "$@"\n' > bin/mformat
  chmod 755 bin/mformat
  # After --, xorriso commands: the volume ID and Joliet names as the
  # non-bootable stand-in ISO had them; `-volume_date uuid` replaces the
  # build time that grub-mkrescue passes (--modification-date) with
  # SOURCE_DATE_EPOCH: xorriso writes it as the volume's creation and
  # modification dates and derives the GPT and HFS+ dates and GUIDs from
  # it (Debian's GRUB images find their files on the boot device, not by
  # this UUID); `all_file_dates` sets every file's dates.
  PATH=$PWD/bin:$PATH grub-mkrescue -o "$1" root -- -volid "$volumeID" -joliet on \
    -volume_date uuid "$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y%m%d%H%M%S00)" \
    -volume_date all_file_dates ="$SOURCE_DATE_EPOCH" >grub-mkrescue.log 2>&1 ||
    { cat grub-mkrescue.log >&2; return 1; }
}
