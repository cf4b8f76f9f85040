#!/usr/bin/env bash
# Writes a large grub.cfg shaped like Debian's update-grub output to stdout: the header of
# tools/vm/debian/captured/grub.cfg.first-boot, then ENTRIES menuentries, half at the top level
# and half in an "Advanced options" submenu, each a distinct kernel version, then the footer.
# STYLE full repeats the captured entry body (load_video, insmod, an if, search, echo, linux,
# initrd; about 700 bytes each); STYLE short keeps only linux and initrd (about 300 bytes).
# Usage: gen-grubcfg.sh ENTRIES [full|short]
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
captured="$top/tools/vm/debian/captured/grub.cfg.first-boot"
entries=${1:?usage: gen-grubcfg.sh ENTRIES [full|short]}
style=${2:-full}
uuid=513b9367-01c0-43d8-9041-e45173db9a96
sed -n '1,/^### BEGIN \/etc\/grub.d\/10_linux ###/p' "$captured"
awk -v n="$entries" -v style="$style" -v uuid="$uuid" '
function entry(indent, v, kind) {
  printf "%smenuentry '\''Debian GNU/Linux, with Linux 6.1.0-%d-amd64%s'\'' --class debian --class gnu-linux --class gnu --class os $menuentry_id_option '\''gnulinux-6.1.0-%d-amd64-%s-%s'\'' {\n", indent, v, (kind == "recovery" ? " (recovery mode)" : ""), v, kind, uuid
  if (style == "full") {
    printf "%s\tload_video\n%s\tinsmod gzio\n%s\tif [ x$grub_platform = xxen ]; then insmod xzio; insmod lzopio; fi\n", indent, indent, indent
    printf "%s\tinsmod part_msdos\n%s\tinsmod ext2\n%s\tsearch --no-floppy --fs-uuid --set=root %s\n", indent, indent, indent, uuid
    printf "%s\techo\t'\''Loading Linux 6.1.0-%d-amd64 ...'\''\n", indent, v
  }
  printf "%s\tlinux\t/boot/vmlinuz-6.1.0-%d-amd64 root=UUID=%s ro %sconsole=ttyS0,115200n8\n", indent, v, uuid, (kind == "recovery" ? "single " : "")
  if (style == "full") printf "%s\techo\t'\''Loading initial ramdisk ...'\''\n", indent
  printf "%s\tinitrd\t/boot/initrd.img-6.1.0-%d-amd64\n%s}\n", indent, v, indent
}
BEGIN {
  half = int(n / 2)
  for (i = 0; i < half; i++) entry("", i, (i % 2 ? "recovery" : "advanced"))
  printf "submenu '\''Advanced options for Debian GNU/Linux'\'' $menuentry_id_option '\''gnulinux-advanced-%s'\'' {\n", uuid
  for (i = half; i < n; i++) entry("\t", i, (i % 2 ? "recovery" : "advanced"))
  print "}"
}'
sed -n '/^### END \/etc\/grub.d\/10_linux ###/,$p' "$captured"
