#!/bin/bash
# Builds gpio-sim.ko (and irq_sim.ko, which it needs) for the QEMU board's
# guest kernel -- Debian 12's linux-image-amd64 -- as out-of-tree modules from
# Debian's linux-source-6.1 against the matching linux-headers package.
# Debian's 6.1 kernel ships neither gpio-sim nor gpio-mockup and has
# CONFIG_IRQ_SIM unset; see README.md next to this script.
#
# Usage: tools/vm/gpio-sim/build.sh [OUTDIR]     (default: artifacts/vm/gpio-sim)
# Env:   KERNEL_VERSION overrides the newest /boot/vmlinuz-*-amd64
#        (the guest kernel; never `uname -r`, the host runs another kernel)
#
# Output: OUTDIR/gpio-sim.ko, OUTDIR/irq_sim.ko, OUTDIR/kernel-version,
#         OUTDIR/build.stamp. Installs nothing; no root needed. Skips the
#         build when both .ko files are newer than every input and were built
#         for the same kernel and package versions.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
out=${1:-$repo/artifacts/vm/gpio-sim}
mkdir -p "$out"
out=$(cd "$out" && pwd)
patchfile=$here/0001-use-generic_handle_irq.patch
. "$here/../kmod-lib.sh"

kmod_setup gpio-sim
kmod_need tar tar
kmod_need xz xz-utils
kmod_need patch patch
kmod_guest_kernel

series=$(echo "$kver" | cut -d. -f1,2)            # 6.1.0-56-amd64 -> 6.1
source_pkg=linux-source-$series
tarball=/usr/src/linux-source-$series.tar.xz
kmod_headers "$source_pkg=$image_ver xz-utils patch"
source_ver=$(kmod_pkgver "$source_pkg")
[ -n "$source_ver" ] && [ -f "$tarball" ] ||
  die "kernel source missing; install the Debian package '$source_pkg' ($install_hint)"
# gpio-sim.c includes drivers/gpio/gpiolib.h, whose structures must match the
# running kernel's, so the source must be the very same Debian upload.
[ "$source_ver" = "$image_ver" ] ||
  die "$source_pkg is $source_ver but $image_pkg is $image_ver; they must match exactly ($install_hint)"
grep -q '^CONFIG_CONFIGFS_FS=[ym]' "$headers/.config" ||
  die "$kver has no CONFIG_CONFIGFS_FS; gpio-sim is configured through configfs"
grep -q '^CONFIG_GPIOLIB=y' "$headers/.config" || die "$kver has no CONFIG_GPIOLIB"
if grep -q '^CONFIG_GPIO_SIM=' "$headers/.config"; then
  echo "gpio-sim: note: $kver already has CONFIG_GPIO_SIM; building anyway" >&2
fi

# ---- cache ----
stamp="kernel=$kver image=$image_pkg/$image_ver headers=$headers_ver source=$source_ver"
if kmod_up_to_date "$stamp" "$out/gpio-sim.ko" "$out/irq_sim.ko" -- "$0" "$patchfile" "$tarball" "$here/../kmod-lib.sh" "$headers/Module.symvers" "$headers/.config"; then
  echo "gpio-sim: $out/gpio-sim.ko is up to date ($kver)"
  exit 0
fi

start=$(date +%s.%N)
work=$out/work
rm -rf "$work" "$out/build.stamp" "$out/gpio-sim.ko" "$out/irq_sim.ko"
mkdir -p "$work/src" "$work/mod"

# ---- sources: only the three files needed, in one pass over the tarball ----
top=linux-source-$series
files=(drivers/gpio/gpio-sim.c drivers/gpio/gpiolib.h kernel/irq/irq_sim.c)
tar -xJf "$tarball" -C "$work/src" "${files[@]/#/$top/}" ||
  die "could not extract ${files[*]} from $tarball"
(cd "$work/src/$top" && patch -p1 --quiet --forward < "$patchfile") ||
  die "$patchfile does not apply to $source_pkg $source_ver"
for f in "${files[@]}"; do cp "$work/src/$top/$f" "$work/mod/"; done

# irq_sim first: gpio-sim uses its devm_irq_domain_create_sim(), and Kbuild
# resolves the symbol within this one M= directory.
cat > "$work/mod/Kbuild" <<'KBUILD'
obj-m += irq_sim.o
obj-m += gpio-sim.o
KBUILD

kmod_make "$work/mod"
kmod_install "$work/mod" "$stamp" gpio-sim.ko irq_sim.ko
rm -rf "$work"
echo "gpio-sim: built $out/gpio-sim.ko and irq_sim.ko for $kver ($source_pkg $source_ver) in $(kmod_seconds_since "$start") s"
