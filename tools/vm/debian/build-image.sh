#!/usr/bin/env bash
# Builds the stock Debian 12 board (boards/debian-12): a raw MBR disk image whose GRUB was
# installed in the guest by grub-install and whose grub.cfg was generated in the guest by
# update-grub. No loop devices, no mounts: mmdebstrap builds the root into a directory,
# mkfs.ext4 -d writes it into the partition of a plain file, and a first boot under QEMU
# (-kernel/-initrd from that root) runs grub-install /dev/vda && update-grub and powers off.
#
# Usage: tools/vm/debian/build-image.sh [OUTDIR]     (OUTDIR default: artifacts/vm)
# The image is cached outside the clone, keyed by everything that shapes it:
#   ${APPLIANCE_VM_CACHE:-/var/cache/appliance/vm}/debian-12-<key>/{disk.img,id_ed25519,...}
# and OUTDIR/debian-12 is a symlink to that directory (what the harness opens). An unchanged
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
out=${1:-$repo/artifacts/vm}
board_json=$repo/boards/debian-12/board.json
cache_root=${APPLIANCE_VM_CACHE:-/var/cache/appliance/vm}
# bookworm's kernels 6.1.0-5x are security updates: the suite list needs bookworm-security.
mirror=${APPLIANCE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${APPLIANCE_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
disk_mib=4096
part_offset=1048576

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
packages=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$here/packages.txt")
key=$(
  {
    # Comment lines do not shape the image: editing one must not cost a 9-minute rebuild.
    for f in "$here/build-image.sh" "$here/essential.sh" "$here/customize.sh" "$here/packages.txt" "$board_json"; do
      echo "$(basename "$f")"; grep -v '^[[:space:]]*#' "$f" | sha256sum
    done
    echo "packages: $packages"
    echo "kernels: $kernel $kernel_pkgs $extra_kernels"
    echo "mirrors: $mirror $security_mirror"
  } | sha256sum | cut -c1-16
)
name=debian-12-$key
final=$cache_root/$name
say "inputs key $key: $final"

publish() {
  mkdir -p "$out"
  ln -sfn "$final" "$out/debian-12"
  say "image: $final/disk.img (linked from $out/debian-12)"
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
    APPLIANCE_DEBIAN_SECURITY_MIRROR="$security_mirror" "$script" "$out"
fi
need mmdebstrap mmdebstrap
need qemu-system-x86_64 qemu-system-x86
need qemu-img qemu-utils
need mkfs.ext4 e2fsprogs
need debugfs e2fsprogs
need sfdisk fdisk
need ssh-keygen openssh-client
need apt-get apt

mkdir -p "$cache_root"
exec 9>"$cache_root/.debian-12.lock"
if ! flock -n 9; then
  say "another build holds $cache_root/.debian-12.lock; waiting"
  flock 9
fi
if [ -f "$final/complete" ]; then
  say "cached: $name was built by the build we waited for"
  publish
  exit 0
fi

# Temporary directories of builds that were killed (we hold the lock: nobody else uses them).
rm -rf "$cache_root"/.tmp-debian-12-*
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
ssh-keygen -q -t ed25519 -N '' -C appliance-debian-12 -f "$work/id_ed25519"
mkdir -p "$work/kernels"
(cd "$work/kernels" && apt-get download $extra_kernels >"$work/apt-download.log" 2>&1) ||
  die "'apt-get download $extra_kernels' failed (see $work/apt-download.log; is bookworm-security in the host's apt sources and 'apt-get update' done?)"
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
disk=$work/disk.img
truncate -s "${disk_mib}M" "$disk"
printf 'label: dos\nstart=2048, type=83, bootable\n' | sfdisk --quiet "$disk"
mkfs.ext4 -q -F -L debian-12 -U "$uuid" -E offset=$part_offset -d "$rootfs" "$disk" \
  "$(( disk_mib * 1024 - part_offset / 1024 ))k"
cp "$rootfs/boot/vmlinuz-$kernel" "$work/vmlinuz"
cp "$rootfs/boot/initrd.img-$kernel" "$work/initrd.img"
rm -rf "$rootfs" "$work/kernels"
stage disk

# ---- first boot: the guest installs GRUB to its MBR and generates grub.cfg, then powers off ----
timeout 900 qemu-system-x86_64 -accel tcg -machine pc -m 2048M -smp 1 \
  -display none -monitor none -serial "file:$work/firstboot-serial.log" -nic none -no-reboot \
  -drive "file=$disk,format=raw,if=virtio" \
  -kernel "$work/vmlinuz" -initrd "$work/initrd.img" \
  -append "root=UUID=$uuid ro console=ttyS0,115200n8" ||
  { tail -n 40 "$work/firstboot-serial.log" >&2; die "first boot: QEMU failed or did not power off within 900 s"; }
grep -q 'APPLIANCE-FIRSTBOOT-OK' "$work/firstboot-serial.log" ||
  { tail -n 40 "$work/firstboot-serial.log" >&2; die "first boot: grub-install/update-grub did not succeed (serial tail above)"; }
dd if="$disk" bs=512 count=1 status=none | grep -q GRUB || die "first boot: no GRUB in the MBR"
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
