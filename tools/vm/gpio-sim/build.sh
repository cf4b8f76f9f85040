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
export PATH=$PATH:/usr/sbin:/sbin

die() { echo "gpio-sim: $*" >&2; exit 1; }
need() {
  command -v "$1" >/dev/null 2>&1 || die "'$1' not found; install the Debian package '$2'"
}
# Version of an installed Debian package, or empty.
pkgver() {
  dpkg-query -W -f='${db:Status-Status} ${Version}\n' "$1" 2>/dev/null |
    awk '$1 == "installed" { print $2; exit }' || true
}

need dpkg-query dpkg
need make make
need tar tar
need xz xz-utils
need patch patch
need strip binutils
need modinfo kmod

# ---- the guest kernel and its packages ----
if [ -z "${KERNEL_VERSION:-}" ]; then
  kernel=$(ls -1 /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$kernel" ] || die "no /boot/vmlinuz-*-amd64; install the Debian package 'linux-image-amd64'"
  KERNEL_VERSION=${kernel#/boot/vmlinuz-}
fi
kver=$KERNEL_VERSION
[ -e "/boot/vmlinuz-$kver" ] || die "/boot/vmlinuz-$kver missing; install the Debian package 'linux-image-$kver'"
# The package owning the kernel image (linux-image-<kver>, or -unsigned).
image_pkg=$(dpkg-query -S "/boot/vmlinuz-$kver" 2>/dev/null | head -n 1 | cut -d: -f1) || true
[ -n "$image_pkg" ] || die "/boot/vmlinuz-$kver belongs to no Debian package; install 'linux-image-$kver'"
image_ver=$(pkgver "$image_pkg")
[ -n "$image_ver" ] || die "cannot read the version of '$image_pkg'"

series=$(echo "$kver" | cut -d. -f1,2)            # 6.1.0-56-amd64 -> 6.1
headers_pkg=linux-headers-$kver
source_pkg=linux-source-$series
headers=/usr/src/linux-headers-$kver
tarball=/usr/src/linux-source-$series.tar.xz
install_hint="apt-get install --no-install-recommends $headers_pkg=$image_ver $source_pkg=$image_ver make xz-utils patch"

headers_ver=$(pkgver "$headers_pkg")
[ -n "$headers_ver" ] && [ -f "$headers/Makefile" ] && [ -f "$headers/Module.symvers" ] ||
  die "kernel headers for $kver missing; install the Debian package '$headers_pkg' ($install_hint)"
[ "$headers_ver" = "$image_ver" ] ||
  die "$headers_pkg is $headers_ver but $image_pkg is $image_ver; they must match exactly ($install_hint)"
source_ver=$(pkgver "$source_pkg")
[ -n "$source_ver" ] && [ -f "$tarball" ] ||
  die "kernel source missing; install the Debian package '$source_pkg' ($install_hint)"
# gpio-sim.c includes drivers/gpio/gpiolib.h, whose structures must match the
# running kernel's, so the source must be the very same Debian upload.
[ "$source_ver" = "$image_ver" ] ||
  die "$source_pkg is $source_ver but $image_pkg is $image_ver; they must match exactly ($install_hint)"
# The headers package pulls in the compiler the kernel was built with.
cc=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\([^ ]*\) .*/\1/p' "$headers/.config")
[ -n "$cc" ] && command -v "$cc" >/dev/null 2>&1 ||
  die "compiler '${cc:-gcc}' (CONFIG_CC_VERSION_TEXT of $kver) not found; install the Debian package '${cc:-gcc}' (a dependency of $headers_pkg)"
grep -q '^CONFIG_CONFIGFS_FS=[ym]' "$headers/.config" ||
  die "$kver has no CONFIG_CONFIGFS_FS; gpio-sim is configured through configfs"
grep -q '^CONFIG_GPIOLIB=y' "$headers/.config" || die "$kver has no CONFIG_GPIOLIB"
if grep -q '^CONFIG_GPIO_SIM=' "$headers/.config"; then
  echo "gpio-sim: note: $kver already has CONFIG_GPIO_SIM; building anyway" >&2
fi

# ---- cache ----
stamp="kernel=$kver image=$image_pkg/$image_ver headers=$headers_ver source=$source_ver"
inputs=("$0" "$patchfile" "$tarball" "$headers/Module.symvers" "$headers/.config")
up_to_date() {
  [ -f "$out/gpio-sim.ko" ] && [ -f "$out/irq_sim.ko" ] && [ -f "$out/build.stamp" ] || return 1
  [ "$(cat "$out/build.stamp")" = "$stamp" ] || return 1
  local ko f
  for ko in "$out/gpio-sim.ko" "$out/irq_sim.ko"; do
    for f in "${inputs[@]}"; do
      [ "$ko" -nt "$f" ] || return 1
    done
  done
}
if up_to_date; then
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

log=$work/make.log
# The prefix map keeps the build directory out of __FILE__ strings (WARN_ON)
# and debug info (hence the build-id note that survives strip --strip-debug),
# so the .ko bytes do not depend on OUTDIR.
if ! make -C "$headers" M="$work/mod" KCFLAGS="-ffile-prefix-map=$work/mod/=" -j"$(nproc)" modules > "$log" 2>&1; then
  cat "$log" >&2
  die "module build failed (log: $log)"
fi
# modpost only warns about unresolved symbols; a module with one would not load.
if grep -E 'WARNING: modpost: .*undefined' "$log" >&2; then
  die "unresolved symbols; the modules would not load in $kver"
fi

for ko in gpio-sim.ko irq_sim.ko; do
  vermagic=$(modinfo -F vermagic "$work/mod/$ko")
  case "$vermagic" in ("$kver "*) ;; (*) die "$ko has vermagic '$vermagic', expected $kver" ;; esac
  # Debian strips its modules too; keeps the initramfs small.
  strip --strip-debug -o "$out/$ko.tmp" "$work/mod/$ko"
  mv "$out/$ko.tmp" "$out/$ko"
done
echo "$kver" > "$out/kernel-version"
echo "$stamp" > "$out/build.stamp"
rm -rf "$work"
end=$(date +%s.%N)
echo "gpio-sim: built $out/gpio-sim.ko and irq_sim.ko for $kver ($source_pkg $source_ver) in $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
