#!/bin/bash
# Builds the QEMU appliance board disk image without root and without loop
# devices: an msdos-labelled raw disk whose first partition (at 1 MiB) is an
# ext4 /boot holding the Debian kernel, the initramfs, grub.cfg and grubenv,
# with GRUB 2.06 i386-pc boot.img/core.img written in front of it.
#
# With --uefi it builds the UEFI + Secure Boot variant (boards/qemu-x86_64-uefi):
# a GPT disk whose partition 1 (at 1 MiB) is the EFI system partition holding
# Debian's signed shim, MokManager and signed GRUB in EFI/BOOT plus a small
# EFI/debian/grub.cfg, and whose partition 2 is the same ext4 /boot (entries use
# `linux`/`initrd`, which EFI GRUB has, instead of `linux16`/`initrd16`).
#
# Usage: tools/vm/build-image.sh [--uefi] [OUTDIR]
#        (default OUTDIR: artifacts/vm, with --uefi artifacts/vm/qemu-x86_64-uefi)
# Env:   APPLIANCE_BIN overrides artifacts/bin/appliance
#        KERNEL_VERSION overrides the newest /boot/vmlinuz-*-amd64
#
# Output: OUTDIR/disk.img (pristine; tests copy it), OUTDIR/inputs.sha256.
# The image is rebuilt only when a checksum of every input changes.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
firmware=bios
if [ "${1:-}" = --uefi ]; then
  firmware=uefi
  shift
fi
if [ "$firmware" = uefi ]; then
  out=${1:-$repo/artifacts/vm/qemu-x86_64-uefi}
else
  out=${1:-$repo/artifacts/vm}
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)

need() {
  command -v "$1" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin command -v "$1" >/dev/null 2>&1 ||
    { echo "build-image: '$1' not found; install the Debian package '$2'" >&2; exit 1; }
}
export PATH=$PATH:/usr/sbin:/sbin
need grub-mkimage grub-common
need grub-editenv grub-common
need sfdisk fdisk
need mkfs.ext4 e2fsprogs
need cpio cpio
need depmod kmod
need gzip gzip
need grub-script-check grub-common
[ -f /usr/lib/grub/i386-pc/boot.img ] ||
  { echo "build-image: /usr/lib/grub/i386-pc missing; install the Debian package 'grub-pc-bin'" >&2; exit 1; }

busybox=/bin/busybox
[ -x "$busybox" ] && ! ldd "$busybox" >/dev/null 2>&1 ||
  { echo "build-image: a static $busybox is needed; install the Debian package 'busybox-static'" >&2; exit 1; }

if [ -z "${KERNEL_VERSION:-}" ]; then
  kernel=$(ls -1 /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$kernel" ] || { echo "build-image: no /boot/vmlinuz-*-amd64; install the Debian package 'linux-image-amd64'" >&2; exit 1; }
  KERNEL_VERSION=${kernel#/boot/vmlinuz-}
fi
kver=$KERNEL_VERSION
kernel=/boot/vmlinuz-$kver
moddir=/lib/modules/$kver
[ -r "$kernel" ] || { echo "build-image: $kernel is not readable" >&2; exit 1; }
[ -f "$moddir/modules.dep" ] || { echo "build-image: $moddir/modules.dep missing; install 'linux-image-$kver'" >&2; exit 1; }

appliance=${APPLIANCE_BIN:-$repo/artifacts/bin/appliance}
[ -x "$appliance" ] || { echo "build-image: $appliance not found; run 'make publish' first" >&2; exit 1; }

# Modules the guest loads in init.sh, plus crc32c providers: ext4 asks the
# crypto API for "crc32c" (fs/ext4/super.c), which is a module here.
# e1000: the NIC of boards started with networking (appliance.net=1, tools/vm/README.md).
# pretimeout_panic: the watchdog pretimeout's panic governor (CONFIG_WATCHDOG_PRETIMEOUT_GOV_PANIC=m), init.sh wdtpre.
# i2c-stub + i2c-dev: the SMBus sensor the i2c-temperature scenario reads (init.sh i2c_stub_sensor).
# vfat + nls_*: the EFI-partition grubenv scenario mounts a FAT disk; vfat asks for the NLS tables of
# its default codepage=437 and iocharset (CONFIG_FAT_DEFAULT_CODEPAGE / _IOCHARSET, fs/fat/inode.c).
modules="virtio_pci virtio_blk ext4 crc32c_generic crc32c-intel i6300esb softdog pretimeout_panic e1000 i2c-stub i2c-dev vfat nls_cp437 nls_ascii nls_utf8"
# efivarfs (a module in Debian's kernel, CONFIG_EFIVAR_FS=m): init.sh reads the SecureBoot variable.
# efi-pstore (CONFIG_EFI_VARS_PSTORE=m): pstore's backend on UEFI, the panic log kept in EFI variables.
[ "$firmware" = uefi ] && modules="$modules efivarfs efi-pstore"

# System.Device.Gpio loads libgpiod at run time (dlopen of "libgpiod.so.2"), so ldd of the
# binary does not list it; Debian's libgpiod2 ships it.
libgpiod=/usr/lib/x86_64-linux-gnu/libgpiod.so.2
[ -e "$libgpiod" ] || { echo "build-image: $libgpiod is missing; install the Debian package 'libgpiod2' (make deps)" >&2; exit 1; }

# GRUB modules baked into core.img; nothing is loaded from /boot/grub later.
grub_modules="biosdisk part_msdos ext2 normal configfile linux16 echo test loadenv sleep serial terminal halt reboot ls cat"

# Resolve a module and its dependencies to paths relative to $moddir,
# following modules.dep (format: "path: dep dep ...").
module_paths() {
  local name
  for name in "$@"; do
    local path
    path=$(modinfo -k "$kver" -F filename "$name" 2>/dev/null | head -n 1) ||
      { echo "build-image: module $name not found for $kver" >&2; exit 1; }
    [ -n "$path" ] || { echo "build-image: module $name not found for $kver" >&2; exit 1; }
    case "$path" in (builtin*|"(builtin)") continue ;; esac
    local rel=${path#$moddir/}
    echo "$rel"
    awk -v m="$rel:" '$1 == m { for (i = 2; i <= NF; i++) print $i }' "$moddir/modules.dep"
  done | sort -u
}
module_list=$(module_paths $modules)

# gpio-sim (tools/vm/gpio-sim/README.md): out-of-tree gpio-sim.ko + irq_sim.ko
# for this kernel, plus Debian's configfs.ko. Optional: without it the image
# builds and only the wdt-gpio entry fails ("modprobe gpio-sim").
gpiosim_dir=$out/gpio-sim
gpiosim=no
if [ "${VM_GPIO_SIM:-yes}" != no ] && [ -x "$here/gpio-sim/build.sh" ]; then
  if KERNEL_VERSION=$kver "$here/gpio-sim/build.sh" "$gpiosim_dir" >"$out/gpio-sim.log" 2>&1; then
    gpiosim=yes
    module_list="$module_list $(module_paths configfs)"
  else
    echo "build-image: gpio-sim did not build (see $out/gpio-sim.log); the image has no gpio-sim" >&2
  fi
fi

# appliance_oops (tools/vm/oops): an out-of-tree module whose init oopses
# (NULL pointer dereference); Debian's kernel has no lkdtm. Optional: without
# it the image builds and only the trial-oops entry fails (its check survives).
oops_dir=$out/oops
oops=no
if [ "${VM_OOPS:-yes}" != no ] && [ -x "$here/oops/build.sh" ]; then
  if KERNEL_VERSION=$kver "$here/oops/build.sh" "$oops_dir" >"$out/oops.log" 2>&1; then
    oops=yes
  else
    echo "build-image: appliance_oops did not build (see $out/oops.log); the image has no appliance_oops" >&2
  fi
fi

# SSH for networked boards (appliance.net=1; the Ansible rollout test): Debian's dropbear
# (dropbear-bin, libtomcrypt1, libtommath1 taken with apt-get download + dpkg -x, no root),
# a host key made once with dropbearkey (kept in OUTDIR/ssh, so it survives rebuilds and
# reboots), and root's authorized_keys holding OUTDIR/ssh/id_ed25519.pub, a client key made
# once with ssh-keygen (mode 0600) that the test hands to ansible-playbook.
ssh_dir=$out/ssh
mkdir -p "$ssh_dir/debs"
for pkg in dropbear-bin libtomcrypt1 libtommath1; do
  ls "$ssh_dir/debs/${pkg}_"*.deb >/dev/null 2>&1 ||
    (cd "$ssh_dir/debs" && apt-get download "$pkg" >/dev/null 2>"$ssh_dir/apt-get.log") ||
    { echo "build-image: 'apt-get download $pkg' failed (see $ssh_dir/apt-get.log)" >&2; exit 1; }
done
if [ ! -x "$ssh_dir/root/usr/sbin/dropbear" ]; then
  rm -rf "$ssh_dir/root"
  for deb in "$ssh_dir/debs/"*.deb; do dpkg -x "$deb" "$ssh_dir/root"; done
fi
dropbear_libs=$ssh_dir/root/usr/lib/x86_64-linux-gnu
if [ ! -s "$ssh_dir/dropbear_ed25519_host_key" ]; then
  LD_LIBRARY_PATH=$dropbear_libs "$ssh_dir/root/usr/bin/dropbearkey" -t ed25519 \
    -f "$ssh_dir/dropbear_ed25519_host_key" >/dev/null ||
    { echo "build-image: dropbearkey failed" >&2; exit 1; }
fi
if [ ! -s "$ssh_dir/id_ed25519" ]; then
  need ssh-keygen openssh-client
  ssh-keygen -q -t ed25519 -N '' -C appliance-vm-test -f "$ssh_dir/id_ed25519"
fi
chmod 0600 "$ssh_dir/id_ed25519" "$ssh_dir/dropbear_ed25519_host_key"

# UEFI: Debian's signed shim (shim-signed), MokManager (shim-helpers-amd64-signed) and
# signed GRUB (grub-efi-amd64-signed), taken with apt-get download + dpkg-deb -x into a
# cache outside the clone. They are never installed on the host: their postinst runs
# grub-install there.
efi_inputs=()
if [ "$firmware" = uefi ]; then
  need mkfs.vfat dosfstools
  need mcopy mtools
  need mmd mtools
  efi_cache=${APPLIANCE_EFI_DEBS:-/var/cache/appliance/efi-debs}
  mkdir -p "$efi_cache"
  for pkg in shim-signed shim-helpers-amd64-signed grub-efi-amd64-signed; do
    ls "$efi_cache/${pkg}_"*.deb >/dev/null 2>&1 ||
      (cd "$efi_cache" && apt-get download "$pkg" >/dev/null 2>"$efi_cache/apt-get.log") ||
      { echo "build-image: 'apt-get download $pkg' failed (see $efi_cache/apt-get.log; tools/deps.sh fetches it)" >&2; exit 1; }
  done
  efi_root=$efi_cache/root
  shim=$efi_root/usr/lib/shim/shimx64.efi.signed
  mokmanager=$efi_root/usr/lib/shim/mmx64.efi.signed
  grub_efi=$efi_root/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed
  if [ ! -f "$shim" ] || [ ! -f "$mokmanager" ] || [ ! -f "$grub_efi" ]; then
    rm -rf "$efi_root"
    for deb in "$efi_cache/"*.deb; do dpkg-deb -x "$deb" "$efi_root"; done
  fi
  for f in "$shim" "$mokmanager" "$grub_efi"; do
    [ -f "$f" ] || { echo "build-image: $f missing after dpkg-deb -x (see $efi_cache)" >&2; exit 1; }
  done
  efi_inputs=("$shim" "$mokmanager" "$grub_efi")
fi

# Everything that shapes the image; any change triggers a rebuild.
stamp=$(
  {
    for f in "$0" "$here/init.sh" "$here/grub.cfg.in" "$here/app-check.sh" "$here/appliance.conf" \
      "$repo/grub/01_appliance" "$repo/grub/appliance.cfg" "$kernel" "$busybox" "$appliance" "$libgpiod" /usr/lib/grub/i386-pc/boot.img \
      ${efi_inputs[@]+"${efi_inputs[@]}"}; do
      sha256sum < "$f"
    done
    for m in $module_list; do echo "$m"; sha256sum < "$moddir/$m"; done
    if [ "$gpiosim" = yes ]; then sha256sum < "$gpiosim_dir/gpio-sim.ko"; sha256sum < "$gpiosim_dir/irq_sim.ko"; fi
    if [ "$oops" = yes ]; then sha256sum < "$oops_dir/appliance_oops.ko"; fi
    for f in "$ssh_dir/debs/"*.deb "$ssh_dir/dropbear_ed25519_host_key" "$ssh_dir/id_ed25519.pub"; do sha256sum < "$f"; done
    echo "$modules | $grub_modules | $kver | $firmware"
    grub-mkimage --version
  } | sha256sum | cut -d' ' -f1
)
if [ -f "$out/disk.img" ] && [ -f "$out/inputs.sha256" ] && [ "$(cat "$out/inputs.sha256")" = "$stamp" ]; then
  echo "build-image: $out/disk.img is up to date"
  exit 0
fi

start=$(date +%s.%N)
work=$out/work
rm -rf "$work" "$out/inputs.sha256"
mkdir -p "$work"

# ---- initramfs ----
initrd=$work/initramfs
mkdir -p "$initrd"/{bin,sbin,usr/bin,usr/sbin,proc,sys,dev,boot,tmp,etc,lib/modules/"$kver"}
cp "$busybox" "$initrd/bin/busybox"
# --list-full names every applet with its install path, sbin/modprobe
# included (without modprobe the kernel cannot request crc32c for ext4).
for applet in $("$busybox" --list-full); do
  [ "$applet" = bin/busybox ] && continue
  dir=$(dirname "$applet")
  rel=$(echo "$dir" | sed -E 's#[^/]+#..#g')
  ln -sf "$rel/bin/busybox" "$initrd/$applet"
done
install -m 0755 "$here/init.sh" "$initrd/init"

# Appliance's configuration and health checks. The agent refuses checks and
# config that are group/world-writable or (as root) not owned by root: cpio
# -R 0:0 below makes everything root-owned; the modes are set explicitly here
# and every directory loses group/other write, whatever the build umask was.
install -d -m 0755 "$initrd/etc/appliance/checks.d/required.d" "$initrd/var/lib/appliance"
install -m 0644 "$here/appliance.conf" "$initrd/etc/appliance/appliance.conf"
install -m 0755 "$here/app-check.sh" "$initrd/etc/appliance/checks.d/required.d/50-app"

for m in $module_list; do
  mkdir -p "$initrd/lib/modules/$kver/$(dirname "$m")"
  cp "$moddir/$m" "$initrd/lib/modules/$kver/$m"
done
if [ "$gpiosim" = yes ]; then
  mkdir -p "$initrd/lib/modules/$kver/extra"
  cp "$gpiosim_dir/gpio-sim.ko" "$gpiosim_dir/irq_sim.ko" "$initrd/lib/modules/$kver/extra/"
fi
if [ "$oops" = yes ]; then
  mkdir -p "$initrd/lib/modules/$kver/extra"
  cp "$oops_dir/appliance_oops.ko" "$initrd/lib/modules/$kver/extra/"
fi
cp "$moddir/modules.order" "$moddir/modules.builtin" "$moddir/modules.builtin.modinfo" "$initrd/lib/modules/$kver/"
depmod -b "$initrd" "$kver"

install -m 0755 "$appliance" "$initrd/usr/bin/appliance"
# The AOT binary links glibc dynamically; copy whatever ldd lists.
if ldd "$appliance" >/dev/null 2>&1; then
  for lib in $(ldd "$appliance" | grep -oE '/[^ ]+'); do
    mkdir -p "$initrd$(dirname "$lib")"
    cp -L "$lib" "$initrd$lib"
  done
fi

mkdir -p "$initrd$(dirname "$libgpiod")"
cp -L "$libgpiod" "$initrd$libgpiod"

# dropbear (see above): binary, its libraries (ldd), host key, root's authorized_keys.
install -m 0755 "$ssh_dir/root/usr/sbin/dropbear" "$initrd/usr/sbin/dropbear"
mkdir -p "$initrd/usr/lib/x86_64-linux-gnu"
cp -a "$dropbear_libs/"libtom*.so* "$initrd/usr/lib/x86_64-linux-gnu/"
for lib in $(LD_LIBRARY_PATH=$dropbear_libs ldd "$ssh_dir/root/usr/sbin/dropbear" | grep -oE '/[^ ]+' | grep -v "^$ssh_dir"); do
  mkdir -p "$initrd$(dirname "$lib")"
  [ -e "$initrd$lib" ] || cp -L "$lib" "$initrd$lib"
done
install -d -m 0755 "$initrd/etc/dropbear"
install -m 0600 "$ssh_dir/dropbear_ed25519_host_key" "$initrd/etc/dropbear/dropbear_ed25519_host_key"
install -d -m 0700 "$initrd/root" "$initrd/root/.ssh"
install -m 0600 "$ssh_dir/id_ed25519.pub" "$initrd/root/.ssh/authorized_keys"
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$initrd/etc/passwd"
printf 'root:x:0:\n' > "$initrd/etc/group"
printf '/bin/sh\n' > "$initrd/etc/shells"

chmod -R go-w "$initrd"
(cd "$initrd" && find . -print0 | LC_ALL=C sort -z | cpio --null --quiet -o -H newc -R 0:0) | gzip -1 -n > "$work/initrd.img"

# ---- /boot tree for the ext4 partition ----
bootfs=$work/bootfs
mkdir -p "$bootfs/boot/grub"
cp "$kernel" "$bootfs/boot/vmlinuz"
# A second build for the quarantine scenario: the same bzImage with a trailer,
# so its SHA-256 differs while GRUB and the kernel boot it as before (the
# loader reads the protected-mode part by the header's syssize,
# Documentation/arch/x86/boot.rst; trailing bytes are never run).
{ cat "$kernel"; printf 'appliance quarantine scenario: another build\n'; } > "$bootfs/boot/vmlinuz-rebuilt"
cp "$work/initrd.img" "$bootfs/boot/initrd.img"
# The trial-boot logic is the real grub/appliance.cfg, emitted by the real
# grub-mkconfig drop-in grub/01_appliance (run as grub-mkconfig runs it) in
# place of the @APPLIANCE_DROPIN@ line, right after the 00_header-like block.
(cd "$repo" && APPLIANCE_GRUB_CFG=grub/appliance.cfg ./grub/01_appliance) > "$work/01_appliance.out"
grep -q '^### BEGIN grub/appliance.cfg' "$work/01_appliance.out" ||
  { echo "build-image: grub/01_appliance did not emit grub/appliance.cfg" >&2; exit 1; }
# no_timer_check: under TCG on a loaded host the kernel's IO-APIC timer test
# (arch/x86/kernel/apic/io_apic.c, timer_irq_works) can miss its ticks and panic
# "IO-APIC + timer doesn't work"; seen with two boards and an image build at once.
# UEFI: EFI GRUB has no linux16/initrd16 (they are i386-pc only, grub-core/loader/i386/pc/linux.c);
# its `linux` verifies the kernel through shim under Secure Boot. The ext4 /boot is the
# second partition there, which init.sh learns from appliance.bootdev=.
cmdline='console=ttyS0,115200 panic=5 quiet no_timer_check ${vm_cmdline}'
efi_cfg_edit=()
if [ "$firmware" = uefi ]; then
  cmdline='console=ttyS0,115200 panic=5 quiet no_timer_check appliance.bootdev=/dev/vda2 ${vm_cmdline}'
  efi_cfg_edit=(-e 's/^\([[:space:]]*\)linux16 /\1linux /' -e 's/^\([[:space:]]*\)initrd16 /\1initrd /')
fi
awk -v dropin="$work/01_appliance.out" '
  $0 == "@APPLIANCE_DROPIN@" { while ((getline line < dropin) > 0) print line; found = 1; next }
  { print }
  END { if (!found) { print "build-image: no @APPLIANCE_DROPIN@ line in grub.cfg.in" > "/dev/stderr"; exit 1 } }
' "$here/grub.cfg.in" |
  sed -e "s#@KERNEL@#/boot/vmlinuz#g" \
      -e "s#@REBUILT_KERNEL@#/boot/vmlinuz-rebuilt#g" \
      -e "s#@INITRD@#/boot/initrd.img#g" \
      -e "s#@CMDLINE@#$cmdline#g" ${efi_cfg_edit[@]+"${efi_cfg_edit[@]}"} > "$bootfs/boot/grub/grub.cfg"
grub-script-check "$bootfs/boot/grub/grub.cfg" ||
  { echo "build-image: grub-script-check rejects the generated grub.cfg" >&2; exit 1; }
grub-editenv "$bootfs/boot/grub/grubenv" create

if [ "$firmware" = uefi ]; then
  # ---- GPT disk: EFI system partition + ext4 /boot ----
  # Debian's signed GRUB carries an early config (debian/build-efi-images in Debian's grub2)
  # that sources $prefix/grub.cfg, its prefix being /EFI/debian on the device it was loaded
  # from; that file (as grub-install writes it on Debian) finds /boot by UUID and reads the
  # board's grub.cfg with the prefix moved there, so grub/appliance.cfg's ${prefix}/grubenv
  # is /boot/grub/grubenv on ext4. GRUB talks on the serial port (QEMU -nographic).
  esp_mib=32
  part_mib=96
  boot_offset=$(((1 + esp_mib) * 1048576))
  boot_uuid=$(cat /proc/sys/kernel/random/uuid)
  cat > "$work/esp-grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
search --no-floppy --fs-uuid --set=root $boot_uuid
set prefix=(\$root)/boot/grub
configfile \$prefix/grub.cfg
CFG
  disk=$work/disk.img
  # One MiB more at the end for the backup GPT (33 sectors).
  truncate -s $((1 + esp_mib + part_mib + 1))M "$disk"
  printf 'label: gpt\nstart=2048, size=%d, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name="EFI system partition"\nstart=%d, size=%d, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name="boot"\n' \
    $((esp_mib * 2048)) $(((1 + esp_mib) * 2048)) $((part_mib * 2048)) | sfdisk --quiet "$disk"
  esp=$work/esp.img
  mkfs.vfat -C -n ESP "$esp" $((esp_mib * 1024)) >/dev/null
  # A fresh OVMF variable store has no boot entry, so OVMF boots the removable-media path
  # \EFI\BOOT\BOOTX64.EFI (UEFI 2.9 specification, 3.5.1.1 "Removable Media Boot Behavior"); shim loads grubx64.efi and mmx64.efi from its own directory.
  mmd -i "$esp" ::/EFI ::/EFI/BOOT ::/EFI/debian
  mcopy -i "$esp" "$shim" ::/EFI/BOOT/BOOTX64.EFI
  mcopy -i "$esp" "$grub_efi" ::/EFI/BOOT/grubx64.efi
  mcopy -i "$esp" "$mokmanager" ::/EFI/BOOT/mmx64.efi
  mcopy -i "$esp" "$work/esp-grub.cfg" ::/EFI/debian/grub.cfg
  dd if="$esp" of="$disk" bs=1M seek=1 conv=notrunc status=none
  mkfs.ext4 -q -F -b 4096 -L appliance-boot -U "$boot_uuid" -E offset=$boot_offset,root_owner=0:0 -d "$bootfs" "$disk" "${part_mib}M"
  cp "$work/esp-grub.cfg" "$out/esp-grub.cfg"
else
  # ---- GRUB core.img ----
  # Runs before grub.cfg: switch GRUB to the serial port so everything it says
  # reaches the host (QEMU -nographic shows no VGA).
  cat > "$work/early.cfg" <<'CFG'
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
CFG
  grub-mkimage -O i386-pc -p '(hd0,msdos1)/boot/grub' -c "$work/early.cfg" -o "$work/core.img" $grub_modules
  core_size=$(stat -c %s "$work/core.img")
  # core.img lives in sectors 1..2047, before the partition at 1 MiB.
  [ "$core_size" -le $((2047 * 512)) ] || { echo "build-image: core.img is $core_size bytes, too big for the 1 MiB gap" >&2; exit 1; }

  # ---- disk ----
  part_mib=96
  disk=$work/disk.img
  truncate -s $((1 + part_mib))M "$disk"
  printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk --quiet "$disk"
  # -b 4096 so grubenv (1024 bytes) sits in one block the harness can patch in
  # place; -E offset writes the file system into the partition of the plain file.
  mkfs.ext4 -q -F -b 4096 -L appliance-boot -E offset=1048576,root_owner=0:0 -d "$bootfs" "$disk" "${part_mib}M"
  # boot.img: only the first 440 bytes, so the partition table (from 446) and
  # disk signature (440) written by sfdisk survive.
  dd if=/usr/lib/grub/i386-pc/boot.img of="$disk" bs=440 count=1 conv=notrunc status=none
  dd if="$work/core.img" of="$disk" bs=512 seek=1 conv=notrunc status=none
fi

mv "$disk" "$out/disk.img"
cp "$bootfs/boot/grub/grub.cfg" "$out/grub.cfg"
echo "$stamp" > "$out/inputs.sha256"
initrd_size=$(stat -c %s "$bootfs/boot/initrd.img")
rm -rf "$work"
end=$(date +%s.%N)
echo "build-image: built $out/disk.img (kernel $kver, initramfs $initrd_size bytes) in $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
