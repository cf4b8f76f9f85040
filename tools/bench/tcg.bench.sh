#!/usr/bin/env bash
# Where the reject-by-kexec figure of failover.bench.sh goes under TCG (issue 16), on the QEMU
# appliance board (tools/vm), from serial-line times: the rejection and kexec_file_load, the
# jump (purgatory's SHA-256 of the segments + the xz decompressor), the kernel's boot. Then the
# same kernel booted by QEMU -kernel as the bzImage and as the ELF vmlinux inside it
# (tools/vm/extract-vmlinux.sh, no decompressor): the decompressor's time, purgatory's hashing
# rate, and what an uncompressed kernel would change. QEMU runs one at a time.
# Env: BENCH_TCG_RUNS (default 3; medians).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
[ -x "$top/artifacts/bin/appliance" ] || { echo "bench: artifacts/bin/appliance is missing; run 'make publish'" >&2; exit 66; }
"$top/tools/vm/build-image.sh" "$top/artifacts/vm" >/dev/null
exec "${DOTNET:-dotnet}" run --project "$top/tools/vm/Appliance.Vm" -c Release -- bench-tcg
