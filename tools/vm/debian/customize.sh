#!/usr/bin/env bash
# mmdebstrap --customize-hook for the Debian 12 board: runs on the host, as root, with the
# finished root directory as $1 and the build's work directory as $2. Everything here is an
# ordinary Debian setting an operator could make; tools/vm/README.md says why each exists.
set -euo pipefail
root=${1:?usage: customize.sh ROOTDIR WORKDIR}
work=${2:?usage: customize.sh ROOTDIR WORKDIR}

echo debian-12 >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tdebian-12\n' >"$root/etc/hosts"
# /etc/fstab was written by essential.sh, before the kernel's initrd was made.
grep -q '^UUID=' "$root/etc/fstab"

# GRUB: everything on the serial port (QEMU -nographic shows no VGA), a short visible menu,
# no os-prober scan of the disk, and the default taken from grubenv (saved_entry), which is
# what Appliance's trial logic and grub-set-default/grub-reboot act on.
cat >"$root/etc/default/grub" <<'GRUB'
# Appliance's Debian 12 board (tools/vm/debian/customize.sh); otherwise Debian's defaults.
GRUB_DEFAULT=saved
GRUB_TIMEOUT=1
GRUB_TIMEOUT_STYLE=menu
GRUB_DISTRIBUTOR=`lsb_release -i -s 2> /dev/null || echo Debian`
GRUB_CMDLINE_LINUX_DEFAULT=""
# no_timer_check: under TCG on a loaded host the IO-APIC timer test can miss its ticks and
# panic "IO-APIC + timer doesn't work" (arch/x86/kernel/apic/io_apic.c); seen on this host.
GRUB_CMDLINE_LINUX="console=ttyS0,115200n8 no_timer_check"
GRUB_TERMINAL=serial
GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"
GRUB_DISABLE_OS_PROBER=true
GRUB

# initramfs: MODULES=dep puts only the modules this machine needs (virtio, ext4) into the
# initrd instead of "most" of them, and zstd compresses faster than gzip. Under TCG this is
# what makes an in-guest kernel install take minutes instead of 12. Set after the build's own
# initrd was made (MODULES=dep in a chroot would look at the build host's hardware).
sed -i -e 's/^MODULES=.*/MODULES=dep/' -e 's/^COMPRESS=.*/COMPRESS=zstd/' \
  "$root/etc/initramfs-tools/initramfs.conf"
grep -qx 'MODULES=dep' "$root/etc/initramfs-tools/initramfs.conf"
grep -qx 'COMPRESS=zstd' "$root/etc/initramfs-tools/initramfs.conf"

# apt in the guest has no network: a local .deb (apt install /root/kernels/x.deb) must not
# pull Recommends (firmware, apparmor) it could not download.
printf 'APT::Install-Recommends "false";\n' >"$root/etc/apt/apt.conf.d/90appliance-board"

# The NIC: DHCP from QEMU's user network with systemd-networkd (part of systemd).
cat >"$root/etc/systemd/network/20-wired.network" <<'NET'
[Match]
Type=ether

[Network]
DHCP=ipv4
NET
chroot "$root" systemctl enable systemd-networkd.service >/dev/null 2>&1

# Root over SSH with the key made for this image; sshd's host keys were made by
# openssh-server's postinst during the build.
install -d -m 0700 "$root/root/.ssh"
install -m 0600 "$work/id_ed25519.pub" "$root/root/.ssh/authorized_keys"
# No reverse DNS lookups on each login (QEMU's user net has no resolver we want to wait for).
printf 'UseDNS no\n' >"$root/etc/ssh/sshd_config.d/appliance-board.conf"

# Fallback: root logged in on the serial console without a password.
install -d "$root/etc/systemd/system/serial-getty@ttyS0.service.d"
cat >"$root/etc/systemd/system/serial-getty@ttyS0.service.d/autologin.conf" <<'UNIT'
[Service]
ExecStart=
ExecStart=-/sbin/agetty --autologin root --keep-baud 115200,57600,38400,9600 %I $TERM
UNIT
passwd -R "$root" -d root >/dev/null

# The host's "booted" signal: one line on the serial port once multi-user.target (and sshd)
# is up, naming the running kernel and this boot's id.
cat >"$root/etc/systemd/system/appliance-vm-up.service" <<'UNIT'
[Unit]
Description=Tell the VM host that this boot reached multi-user.target
After=multi-user.target ssh.service systemd-networkd.service

[Service]
Type=oneshot
ExecStart=/bin/sh -c 'echo "APPLIANCE-DEBIAN-UP $(uname -r) $(cat /proc/sys/kernel/random/boot_id)" >/dev/ttyS0'

[Install]
WantedBy=multi-user.target
UNIT
chroot "$root" systemctl enable appliance-vm-up.service >/dev/null 2>&1

# First boot only (QEMU -kernel/-initrd, the build runs it): remake the initrd on the board's
# own hardware with MODULES=dep (the build's initrd has "most" modules: 30 MB, which GRUB
# reads through the BIOS at ~2.5 MB/s under TCG, 12 s of every boot), install GRUB to the
# MBR and generate grub.cfg in the guest, as the Debian installer would, then power off. It
# removes itself, so every later boot goes through GRUB from the disk.
cat >"$root/etc/systemd/system/appliance-vm-firstboot.service" <<'UNIT'
[Unit]
Description=First boot of the Debian 12 board: grub-install and update-grub, then power off
After=local-fs.target
Before=appliance-vm-up.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/appliance-vm-firstboot

[Install]
WantedBy=multi-user.target
UNIT
{
cat <<'SH'
#!/bin/sh
# The Debian 12 board's first boot (tools/vm/debian/customize.sh).
set -e
status=FAIL
trap 'echo "APPLIANCE-FIRSTBOOT-$status" >/dev/ttyS0; systemctl --no-block poweroff' EXIT
step() { echo "APPLIANCE-FIRSTBOOT: $(cut -d' ' -f1 /proc/uptime) s: $*" >/dev/ttyS0; }
step update-initramfs
update-initramfs -u -k all
step grub-install
SH
if [ "$(cat "$work/variant")" = uefi ]; then
  # The UEFI board: GRUB for x86_64-efi with Debian's signed shim in front of Debian's signed
  # GRUB (--uefi-secure-boot), into EFI/debian on the ESP. --no-nvram: every run of the board
  # boots a fresh copy of OVMF's variable store, so a boot entry would not outlive this boot;
  # the firmware takes the removable-media path \EFI\BOOT\BOOTX64.EFI (UEFI 2.9, 3.5.1.1),
  # which gets shim, and beside it the GRUB and MokManager shim loads from its own directory.
  # No fbx64.efi there: shim would run the fallback, which writes a boot entry and resets.
  cat <<'SH'
grub-install --target=x86_64-efi --efi-directory=/boot/efi --bootloader-id=debian --uefi-secure-boot --no-nvram
mkdir -p /boot/efi/EFI/BOOT
cp /boot/efi/EFI/debian/shimx64.efi /boot/efi/EFI/BOOT/BOOTX64.EFI
cp /boot/efi/EFI/debian/grubx64.efi /boot/efi/EFI/BOOT/grubx64.efi
if [ -f /boot/efi/EFI/debian/mmx64.efi ]; then cp /boot/efi/EFI/debian/mmx64.efi /boot/efi/EFI/BOOT/mmx64.efi; fi
step update-grub
update-grub
step done
grub-editenv /boot/grub/grubenv create
# Both kernels were installed at build time (in the chroot, at native speed: update-initramfs
# under TCG takes minutes); the operator keeps running the one this boot runs until the other
# is tried: GRUB_DEFAULT=saved and grub-set-default with its version-specific entry.
sub=$(grep -o "gnulinux-advanced-[0-9a-f-]*" /boot/grub/grub.cfg | head -n 1)
old=$(grep -o "gnulinux-$(uname -r)-advanced-[0-9a-f-]*" /boot/grub/grub.cfg | head -n 1)
grub-set-default "$sub>$old"
sync
SH
else
  cat <<'SH'
echo "grub-pc grub-pc/install_devices multiselect /dev/vda" | debconf-set-selections
grub-install /dev/vda
step update-grub
update-grub
step done
grub-editenv /boot/grub/grubenv create
SH
fi
cat <<'SH'
systemctl disable appliance-vm-firstboot.service
rm -f /usr/local/sbin/appliance-vm-firstboot /etc/systemd/system/appliance-vm-firstboot.service
sync
status=OK
SH
} >"$root/usr/local/sbin/appliance-vm-firstboot"
chmod 0755 "$root/usr/local/sbin/appliance-vm-firstboot"
chroot "$root" systemctl enable appliance-vm-firstboot.service >/dev/null 2>&1

# Kernels a scenario installs in the guest (apt install /root/kernels/NAME.deb), so the
# kernel's postinst runs update-initramfs and update-grub as on a real machine.
install -d "$root/root/kernels"
if compgen -G "$work/kernels/*.deb" >/dev/null; then cp "$work"/kernels/*.deb "$root/root/kernels/"; fi

# Lean image: package caches and lists are not needed offline.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*_Packages* "$root"/var/lib/apt/lists/*_InRelease
