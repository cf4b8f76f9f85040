#!/usr/bin/env bash
# Kexec failover against the plain rollback, on the QEMU appliance board (tools/vm), in the
# same run: a trial that panics while it is validated, staged with 3 tries. Measured per
# path: from the trial's first "Kernel panic" serial line to known-good's userspace marker.
#   kexec: crashkernel=256M; the validator armed the rescue kernel; it saves the panic log,
#          rejects the trial and reboots through the firmware; GRUB boots known-good.
#   plain: panic=1; the trial panics on every try, GRUB spends them all, then known-good.
# Run i of both paths runs at the same time (two VMs), so both see the same host load.
# Env: BENCH_KEXEC_RUNS (default 3), BENCH_KEXEC_TRIES (default 3). Goal: kexec <= 1/3 of plain.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
[ -x "$top/artifacts/bin/appliance" ] || { echo "bench: artifacts/bin/appliance is missing; run 'make publish'" >&2; exit 66; }
"$top/tools/vm/build-image.sh" "$top/artifacts/vm" >/dev/null
exec "${DOTNET:-dotnet}" run --project "$top/tools/vm/Appliance.Vm" -c Release -- bench-kexec
