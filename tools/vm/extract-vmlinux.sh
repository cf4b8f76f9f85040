#!/usr/bin/env bash
# Writes the ELF vmlinux inside an x86 bzImage to OUT: the payload the decompressor would
# unpack, for booting the same kernel without a decompressor (tcg bench, tools/vm/README.md).
# The same method as the kernel's scripts/extract-vmlinux, for the one compression Debian's
# amd64 kernels use (CONFIG_KERNEL_XZ=y): find the xz stream's magic (FD 37 7A 58 5A 00,
# xz file format spec 2.1.1.1) and decompress from there; the bytes after the stream are
# the rest of the bzImage, hence --single-stream.
# Usage: extract-vmlinux.sh BZIMAGE OUT
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: extract-vmlinux.sh BZIMAGE OUT" >&2; exit 64; }
image=$1 out=$2
command -v xz >/dev/null || { echo "extract-vmlinux: xz is missing; install the Debian package 'xz-utils'" >&2; exit 69; }
offset=$(LC_ALL=C grep -abo $'\xfd7zXZ\x00' "$image" | head -n 1 | cut -d: -f1 || true)
[ -n "$offset" ] || { echo "extract-vmlinux: no xz stream in $image (not an xz-compressed bzImage)" >&2; exit 65; }
# xz exits 1 on the trailing bytes only after it has written the whole stream; the ELF check decides.
tail -c +"$((offset + 1))" "$image" | xz -dc --single-stream > "$out" 2>/dev/null || true
[ "$(head -c 4 "$out" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] ||
  { echo "extract-vmlinux: the xz stream at byte $offset of $image is not an ELF image" >&2; rm -f "$out"; exit 65; }
