#!/bin/bash
# Builds appliance_oops.ko (oops.c next to this script) for the QEMU board's
# guest kernel as an out-of-tree module. Loading it oopses (NULL pointer
# dereference in its init); Debian's 6.1 kernel has no lkdtm.
#
# Usage: tools/vm/oops/build.sh [OUTDIR]     (default: artifacts/vm/oops)
# Env:   KERNEL_VERSION overrides the newest /boot/vmlinuz-*-amd64
#
# Output: OUTDIR/appliance_oops.ko, OUTDIR/kernel-version, OUTDIR/build.stamp.
#         Skips the build when the .ko is newer than every input and was built
#         for the same kernel and package versions.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
out=${1:-$repo/artifacts/vm/oops}
mkdir -p "$out"
out=$(cd "$out" && pwd)
. "$here/../kmod-lib.sh"

kmod_setup oops
kmod_guest_kernel
kmod_headers

ko=$out/appliance_oops.ko
stamp="kernel=$kver image=$image_pkg/$image_ver headers=$headers_ver"
if kmod_up_to_date "$stamp" "$ko" -- "$0" "$here/oops.c" "$here/../kmod-lib.sh" "$headers/Module.symvers" "$headers/.config"; then
  echo "oops: $ko is up to date ($kver)"
  exit 0
fi

start=$(date +%s.%N)
work=$out/work
rm -rf "$work" "$out/build.stamp" "$ko"
mkdir -p "$work/mod"
cp "$here/oops.c" "$work/mod/appliance_oops.c"
echo 'obj-m += appliance_oops.o' > "$work/mod/Kbuild"
kmod_make "$work/mod"
kmod_install "$work/mod" "$stamp" appliance_oops.ko
rm -rf "$work"
echo "oops: built $ko for $kver in $(kmod_seconds_since "$start") s"
