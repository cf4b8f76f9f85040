#!/bin/bash
# Builds appliance_oops.ko (oops.c next to this script) for the QEMU board's
# guest kernel -- Debian 12's linux-image-amd64 -- as an out-of-tree module
# against the matching linux-headers package. Loading it oopses (NULL pointer
# dereference in its init); Debian's 6.1 kernel has no lkdtm.
#
# Usage: tools/vm/oops/build.sh [OUTDIR]     (default: artifacts/vm/oops)
# Env:   KERNEL_VERSION overrides the newest /boot/vmlinuz-*-amd64
#        (the guest kernel; never `uname -r`, the host runs another kernel)
#
# Output: OUTDIR/appliance_oops.ko, OUTDIR/kernel-version, OUTDIR/build.stamp.
#         Installs nothing; no root needed. Skips the build when the .ko is
#         newer than every input and was built for the same kernel and
#         package versions.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
out=${1:-$repo/artifacts/vm/oops}
mkdir -p "$out"
out=$(cd "$out" && pwd)
export PATH=$PATH:/usr/sbin:/sbin

die() { echo "oops: $*" >&2; exit 1; }
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
image_pkg=$(dpkg-query -S "/boot/vmlinuz-$kver" 2>/dev/null | head -n 1 | cut -d: -f1) || true
[ -n "$image_pkg" ] || die "/boot/vmlinuz-$kver belongs to no Debian package; install 'linux-image-$kver'"
image_ver=$(pkgver "$image_pkg")
[ -n "$image_ver" ] || die "cannot read the version of '$image_pkg'"

headers_pkg=linux-headers-$kver
headers=/usr/src/linux-headers-$kver
install_hint="apt-get install --no-install-recommends $headers_pkg=$image_ver make"
headers_ver=$(pkgver "$headers_pkg")
[ -n "$headers_ver" ] && [ -f "$headers/Makefile" ] && [ -f "$headers/Module.symvers" ] ||
  die "kernel headers for $kver missing; install the Debian package '$headers_pkg' ($install_hint)"
[ "$headers_ver" = "$image_ver" ] ||
  die "$headers_pkg is $headers_ver but $image_pkg is $image_ver; they must match exactly ($install_hint)"
cc=$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\([^ ]*\) .*/\1/p' "$headers/.config")
[ -n "$cc" ] && command -v "$cc" >/dev/null 2>&1 ||
  die "compiler '${cc:-gcc}' (CONFIG_CC_VERSION_TEXT of $kver) not found; install the Debian package '${cc:-gcc}' (a dependency of $headers_pkg)"

# ---- cache ----
ko=$out/appliance_oops.ko
stamp="kernel=$kver image=$image_pkg/$image_ver headers=$headers_ver"
inputs=("$0" "$here/oops.c" "$headers/Module.symvers" "$headers/.config")
up_to_date() {
  [ -f "$ko" ] && [ -f "$out/build.stamp" ] || return 1
  [ "$(cat "$out/build.stamp")" = "$stamp" ] || return 1
  local f
  for f in "${inputs[@]}"; do
    [ "$ko" -nt "$f" ] || return 1
  done
}
if up_to_date; then
  echo "oops: $ko is up to date ($kver)"
  exit 0
fi

start=$(date +%s.%N)
work=$out/work
rm -rf "$work" "$out/build.stamp" "$ko"
mkdir -p "$work/mod"
cp "$here/oops.c" "$work/mod/appliance_oops.c"
echo 'obj-m += appliance_oops.o' > "$work/mod/Kbuild"

log=$work/make.log
# The prefix map keeps the build directory out of the .ko (see gpio-sim/build.sh).
if ! make -C "$headers" M="$work/mod" KCFLAGS="-ffile-prefix-map=$work/mod/=" -j"$(nproc)" modules > "$log" 2>&1; then
  cat "$log" >&2
  die "module build failed (log: $log)"
fi
if grep -E 'WARNING: modpost: .*undefined' "$log" >&2; then
  die "unresolved symbols; the module would not load in $kver"
fi

vermagic=$(modinfo -F vermagic "$work/mod/appliance_oops.ko")
case "$vermagic" in ("$kver "*) ;; (*) die "appliance_oops.ko has vermagic '$vermagic', expected $kver" ;; esac
strip --strip-debug -o "$ko.tmp" "$work/mod/appliance_oops.ko"
mv "$ko.tmp" "$ko"
echo "$kver" > "$out/kernel-version"
echo "$stamp" > "$out/build.stamp"
rm -rf "$work"
end=$(date +%s.%N)
echo "oops: built $ko for $kver in $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s"
