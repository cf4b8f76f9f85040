#!/usr/bin/env bash
# mmdebstrap --essential-hook for the Debian 12 board: runs on the host, as root, after the
# Essential packages are in and before the rest (the kernel among them) is installed, with
# the root directory as $1 and the build's work directory as $2.
set -euo pipefail
root=${1:?usage: essential.sh ROOTDIR WORKDIR}
work=${2:?usage: essential.sh ROOTDIR WORKDIR}

# Debconf answers a non-interactive install needs: no MBR yet (grub-install runs in the
# guest's first boot), no kexec on every reboot (Appliance arms kexec itself).
chroot "$root" debconf-set-selections <<'DEBCONF'
grub-pc grub-pc/install_devices multiselect
grub-pc grub-pc/install_devices_empty boolean true
kexec-tools kexec-tools/load_kexec boolean false
DEBCONF

# The root file system by UUID, as the Debian installer writes it before it installs the
# kernel. (The build's own initrd still has no fsck: the UUID names no device in the build's
# chroot. The first boot remakes the initrd on the board, where it does.)
printf 'UUID=%s\t/\text4\terrors=remount-ro\t0\t1\n' "$(cat "$work/uuid")" >"$root/etc/fstab"
# UEFI: the ESP at /boot/efi by its FAT volume id (XXXX-XXXX), as the installer writes it.
if [ -f "$work/esp-id" ]; then
  id=$(cat "$work/esp-id")
  printf 'UUID=%s-%s\t/boot/efi\tvfat\tumask=0077\t0\t1\n' "${id:0:4}" "${id:4:4}" >>"$root/etc/fstab"
  mkdir -p "$root/boot/efi"
fi
