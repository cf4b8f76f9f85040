#!/usr/bin/env bash
# Failover without firmware passes (issue 16), on the QEMU appliance board (tools/vm): for each
# failure kind, firmware passes and seconds from the failure to known-good's userspace, by
# Appliance's path and by the plain path (reboot through the firmware, GRUB spends the tries),
# run i of both at the same time (two VMs). Beside each figure, a modelled one for a server
# whose POST takes 60 s and 180 s (the formula is printed). Goal: zero firmware passes for
# every failure a kernel survives, and the same or fewer for the rest.
# Env: BENCH_FAILOVER_RUNS (default 1), BENCH_FAILOVER_TRIES (default 3).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
[ -x "$top/artifacts/bin/appliance" ] || { echo "bench: artifacts/bin/appliance is missing; run 'make publish'" >&2; exit 66; }
"$top/tools/vm/build-image.sh" "$top/artifacts/vm" >/dev/null
exec "${DOTNET:-dotnet}" run --project "$top/tools/vm/Appliance.Vm" -c Release -- bench-failover
