#!/usr/bin/env bash
# Builds the stock Debian 12 board (boards/debian-12): a raw MBR disk image whose GRUB was
# installed in the guest by grub-install and whose grub.cfg was generated in the guest by
# update-grub. No loop devices, no mounts: mmdebstrap builds the root into a directory,
# mkfs.ext4 -d writes it into the partition of a plain file, and a first boot under QEMU
# (-kernel/-initrd from that root) runs grub-install /dev/vda && update-grub and powers off.
# With --uefi it builds the UEFI + Secure Boot variant (boards/debian-12-uefi): a GPT disk
# with an ESP (mkfs.vfat -C, written in with dd) and the ext4 root; the root has
# grub-efi-amd64, shim-signed, grub-efi-amd64-signed and mokutil instead of grub-pc
# (packages-uefi.txt), both board kernels installed at build time, and the first boot runs
# under OVMF with Secure Boot on: grub-install --target=x86_64-efi --uefi-secure-boot and
# update-grub in the guest.
#
# Usage: tools/vm/debian/build-image.sh [--uefi] [OUTDIR]     (OUTDIR default: artifacts/vm)
# The image is cached outside the clone, keyed by everything that shapes it:
#   ${APPLIANCE_VM_CACHE:-/var/cache/appliance/vm}/BOARD-<key>/{disk.img,id_ed25519,...}
# (BOARD: debian-12 or debian-12-uefi) and OUTDIR/BOARD is a symlink to that directory (what
# the harness opens). An unchanged
# input set costs nothing; a build runs in a temporary directory renamed into place at the
# end, under a lock, so an interrupted or concurrent build never leaves a half image.
# Needs root (mmdebstrap --mode=root, chroot) and: mmdebstrap qemu-system-x86 qemu-utils
# e2fsprogs fdisk openssh-client jq util-linux (tools/deps.sh installs them).
set -euo pipefail

# The whole build is one function, parsed before it runs: editing this file while a build
# runs (it takes minutes) cannot change what that build executes.
main() {

here=$(cd "$(dirname "$0")" && pwd)
script=$here/build-image.sh
repo=$(cd "$here/../../.." && pwd)
variant=bios
board=debian-12
if [ "${1:-}" = --uefi ]; then
  variant=uefi
  board=debian-12-uefi
  shift
fi
out=${1:-$repo/artifacts/vm}
board_json=$repo/boards/$board/board.json
cache_root=${APPLIANCE_VM_CACHE:-/var/cache/appliance/vm}
# bookworm's kernels 6.1.0-5x are security updates: the suite list needs bookworm-security.
mirror=${APPLIANCE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${APPLIANCE_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
disk_mib=4096
part_offset=1048576
# UEFI: a 100 MiB ESP at 1 MiB, the root right behind it.
esp_mib=100
[ "$variant" = uefi ] && part_offset=$(( (1 + esp_mib) * 1048576 ))
ovmf_code=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd
ovmf_vars=/usr/share/OVMF/OVMF_VARS_4M.ms.fd

say() { echo "debian-image: $*"; }
die() { echo "debian-image: $*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ] ||
  die "'$1' not found: apt-get install $2 (or: make deps)"; }
export PATH=$PATH:/usr/sbin:/sbin

need jq jq
need sha256sum coreutils
need flock util-linux

# ---- the cache key: every input that shapes the image ----
[ -f "$board_json" ] || die "$board_json is missing"
kernel=$(jq -r '.distribution.kernel' "$board_json")
kernel_pkgs=$(jq -r '.distribution.kernelPackages[]' "$board_json")
extra_kernels=$(jq -r '.distribution.extraKernelDebs.packages[]' "$board_json")
# packages.txt is common to both variants; packages-VARIANT.txt adds the boot loader.
inputs=("$here/build-image.sh" "$here/essential.sh" "$here/customize.sh" "$here/packages.txt" "$here/packages-$variant.txt" "$board_json")
packages=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/packages.txt" "$here/packages-$variant.txt")
key=$(
  {
    echo "variant: $variant"
    # Comment lines do not shape the image: editing one must not cost a 9-minute rebuild.
    for f in "${inputs[@]}"; do
      echo "$(basename "$f")"; grep -v '^[[:space:]]*#' "$f" | sha256sum
    done
    echo "packages: $packages"
    echo "kernels: $kernel $kernel_pkgs $extra_kernels"
    echo "mirrors: $mirror $security_mirror"
  } | sha256sum | cut -c1-16
)
name=$board-$key
final=$cache_root/$name
say "inputs key $key: $final"

publish() {
  mkdir -p "$out"
  ln -sfn "$final" "$out/$board"
  say "image: $final/disk.img (linked from $out/$board)"
}

if [ -f "$final/complete" ]; then
  say "cached: $name is up to date"
  publish
  exit 0
fi

# mmdebstrap --mode=root and chroot need root; only a real build gets here (a cached one does not).
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 ||
    die "building the image needs root (mmdebstrap --mode=root, chroot): run as root, or install sudo"
  say "building needs root: re-running through sudo"
  exec sudo APPLIANCE_VM_CACHE="$cache_root" APPLIANCE_DEBIAN_MIRROR="$mirror" \
    APPLIANCE_DEBIAN_SECURITY_MIRROR="$security_mirror" "$script" $([ "$variant" = uefi ] && echo --uefi) "$out"
fi
need mmdebstrap mmdebstrap
need qemu-system-x86_64 qemu-system-x86
need qemu-img qemu-utils
need mkfs.ext4 e2fsprogs
need debugfs e2fsprogs
need sfdisk fdisk
need ssh-keygen openssh-client
need apt-get apt
if [ "$variant" = uefi ]; then
  need mkfs.vfat dosfstools
  need mdir mtools
  [ -f "$ovmf_code" ] && [ -f "$ovmf_vars" ] || die "$ovmf_code or $ovmf_vars is missing: apt-get install ovmf"
fi

mkdir -p "$cache_root"
exec 9>"$cache_root/.$board.lock"
if ! flock -n 9; then
  say "another build holds $cache_root/.$board.lock; waiting"
  flock 9
fi
if [ -f "$final/complete" ]; then
  say "cached: $name was built by the build we waited for"
  publish
  exit 0
fi

# Temporary directories of builds of this board that were killed (we hold its lock: nobody
# else uses them; the key is hex, so debian-12's pattern does not match debian-12-uefi's).
rm -rf "$cache_root"/.tmp-"$board"-[0-9a-f]*
work=$cache_root/.tmp-$name.$$
mkdir -p "$work"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

t0=$(date +%s)
stage_start=$t0
timings=$work/timings.txt
stage() {
  local now
  now=$(date +%s)
  printf '%-14s %5d s\n' "$1" $((now - stage_start)) | tee -a "$timings" | sed 's/^/debian-image: stage /'
  stage_start=$now
}

# ---- inputs made at build time: filesystem UUID, root's SSH key, the extra kernels ----
cat /proc/sys/kernel/random/uuid >"$work/uuid"
uuid=$(cat "$work/uuid")
# customize.sh and essential.sh read the variant (and the ESP's volume id) from the work directory.
echo "$variant" >"$work/variant"
if [ "$variant" = uefi ]; then
  od -An -N4 -tx4 /dev/urandom | tr -d ' \n' | tr a-f A-F >"$work/esp-id"
fi
ssh-keygen -q -t ed25519 -N '' -C "appliance-$board" -f "$work/id_ed25519"
mkdir -p "$work/kernels"
if [ -n "$extra_kernels" ]; then
  (cd "$work/kernels" && apt-get download $extra_kernels >"$work/apt-download.log" 2>&1) ||
    die "'apt-get download $extra_kernels' failed (see $work/apt-download.log; is bookworm-security in the host's apt sources and 'apt-get update' done?)"
fi
stage download

# ---- the root: mmdebstrap (stock Debian, minbase + what a server has) ----
# essential.sh: debconf answers and /etc/fstab, before the kernel goes in; customize.sh:
# the board's settings once everything is installed.
rootfs=$work/rootfs
include=$(echo $packages $kernel_pkgs | tr ' ' ',')
mmdebstrap --mode=root --variant=minbase --include="$include" \
  --essential-hook="\"$here/essential.sh\" \"\$1\" \"$work\"" \
  --customize-hook="\"$here/customize.sh\" \"\$1\" \"$work\"" \
  bookworm "$rootfs" \
  "deb $mirror bookworm main" \
  "deb $mirror bookworm-updates main" \
  "deb $security_mirror bookworm-security main" >"$work/mmdebstrap.log" 2>&1 ||
  { tail -n 40 "$work/mmdebstrap.log" >&2; die "mmdebstrap failed (log above)"; }
[ -f "$rootfs/boot/vmlinuz-$kernel" ] && [ -f "$rootfs/boot/initrd.img-$kernel" ] ||
  die "the root has no /boot/vmlinuz-$kernel or initrd.img-$kernel"
stage mmdebstrap

# ---- the disk: MBR, one partition at sector 2048, ext4 written from the root ----
# UEFI: GPT, the ESP (an empty FAT32 made by mkfs.vfat -C, written in with dd) at 1 MiB, the
# root behind it; the GPT backup header needs the last 33 sectors, so the root stops 1 MiB short.
disk=$work/disk.img
truncate -s "${disk_mib}M" "$disk"
fs_kib=$(( disk_mib * 1024 - part_offset / 1024 ))
if [ "$variant" = uefi ]; then
  fs_kib=$(( fs_kib - 1024 ))
  printf 'label: gpt\nstart=2048, size=%d, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=ESP\nstart=%d, size=%d, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=root\n' \
    $(( esp_mib * 2048 )) $(( part_offset / 512 )) $(( fs_kib * 2 )) | sfdisk --quiet "$disk"
  mkfs.vfat -C -F 32 -n ESP -i "$(cat "$work/esp-id")" "$work/esp.img" $(( esp_mib * 1024 )) >/dev/null
  dd if="$work/esp.img" of="$disk" bs=1M seek=1 conv=notrunc status=none
  rm -f "$work/esp.img"
else
  printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk --quiet "$disk"
fi
mkfs.ext4 -q -F -L "$board" -U "$uuid" -E offset=$part_offset -d "$rootfs" "$disk" "${fs_kib}k"
cp "$rootfs/boot/vmlinuz-$kernel" "$work/vmlinuz"
cp "$rootfs/boot/initrd.img-$kernel" "$work/initrd.img"
rm -rf "$rootfs" "$work/kernels"
stage disk

# ---- first boot: the guest installs GRUB to its MBR and generates grub.cfg, then powers off ----
# UEFI: under OVMF with Secure Boot on (q35, SMM, the flash secure) on a copy of the
# Microsoft-keys variable store; the kernel still comes from -kernel (OVMF checks its
# signature), the ESP gets its files from grub-install in the guest.
machine=(-machine pc)
if [ "$variant" = uefi ]; then
  cp "$ovmf_vars" "$work/OVMF_VARS.fd"
  machine=(-machine q35,smm=on -global driver=cfi.pflash01,property=secure,value=on
    -drive "if=pflash,format=raw,unit=0,file=$ovmf_code,readonly=on"
    -drive "if=pflash,format=raw,unit=1,file=$work/OVMF_VARS.fd")
fi
timeout 900 qemu-system-x86_64 -accel tcg "${machine[@]}" -m 2048M -smp 1 \
  -display none -monitor none -serial "file:$work/firstboot-serial.log" -nic none -no-reboot \
  -drive "file=$disk,format=raw,if=virtio" \
  -kernel "$work/vmlinuz" -initrd "$work/initrd.img" \
  -append "root=UUID=$uuid ro console=ttyS0,115200n8" ||
  { tail -n 40 "$work/firstboot-serial.log" >&2; die "first boot: QEMU failed or did not power off within 900 s"; }
rm -f "$work/OVMF_VARS.fd"
grep -q 'APPLIANCE-FIRSTBOOT-OK' "$work/firstboot-serial.log" ||
  { tail -n 40 "$work/firstboot-serial.log" >&2; die "first boot: grub-install/update-grub did not succeed (serial tail above)"; }
if [ "$variant" = uefi ]; then
  mdir -b -i "$disk@@1M" ::/EFI/BOOT ::/EFI/debian >"$work/esp-files.txt" ||
    die "first boot: the ESP cannot be read"
  for f in EFI/BOOT/BOOTX64.EFI EFI/BOOT/grubx64.efi EFI/debian/shimx64.efi EFI/debian/grubx64.efi EFI/debian/grub.cfg; do
    grep -qix "::/$f" "$work/esp-files.txt" || die "first boot: no $f on the ESP (grub-install --target=x86_64-efi)"
  done
else
  dd if="$disk" bs=512 count=1 status=none | grep -q GRUB || die "first boot: no GRUB in the MBR"
fi
debugfs -R 'cat /boot/grub/grub.cfg' "$disk?offset=$part_offset" >"$work/grub.cfg" 2>/dev/null
grep -q 'grub-mkconfig' "$work/grub.cfg" || die "first boot: /boot/grub/grub.cfg was not generated by grub-mkconfig"
rm -f "$work/vmlinuz" "$work/initrd.img"
stage first-boot

# ---- into the cache ----
{
  echo "key: $key"
  echo "kernel: $kernel"
  echo "extra kernels: $extra_kernels"
  echo "uuid: $uuid"
  echo "built: $(date -u +%FT%TZ)"
} >"$work/inputs.txt"
printf '%-14s %5d s\n' total $(( $(date +%s) - t0 )) >>"$timings"
touch "$work/complete"
rm -rf "$final"
mv "$work" "$final"
trap - EXIT
say "built $name in $(( $(date +%s) - t0 )) s"
publish
}

main "$@"
