#!/usr/bin/env bash
# `appliance watchdog run` against Debian's classic watchdog(8) daemon, configured alike: 1 s
# interval, 5 checks, SCHED_FIFO/RR priority 1, memory locked. Both run at once, in the same
# run, under the same conditions. Reported: RSS, CPU, wakeups/s (context switches of all the
# daemon's threads) while idle, and the largest gap between pets under stress-ng CPU + memory load.
#
# The host has no /dev/watchdog (no softdog module for its kernel), so each daemon pets a FIFO
# standing in for the device: a FIFO answers no watchdog ioctls (ENOTTY), so both daemons
# fall back to pinging by write(), one byte per pet, which is what they do on a driver without
# WDIOF_KEEPALIVEPING. A reader at SCHED_FIFO 50 timestamps every byte, so a pet's time is when
# the daemon wrote it, not when a loaded system got round to reading it.
# The issue's goals are printed last: RSS <= 8 MiB (sampled after start, idle and load, so growth
# shows), and the largest gap within interval + 50 ms and no worse than the peer's. RSS, CPU and
# wakeups/s are reported beside the peer's as ratios; the issue sets no bound on those ratios.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
app="${APPLIANCE_BIN:-$top/artifacts/bin/appliance}"
[ -x "$app" ] || { echo "bench: $app is missing; run 'make publish'" >&2; exit 66; }
for tool in /usr/sbin/watchdog stress-ng python3 chrt; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing; run 'make deps'" >&2; exit 69; }
done
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root (SCHED_FIFO, mlockall, watchdog(8) refuses otherwise)" >&2; exit 77; }
# Measure the binary as installed: written back to disk, as dpkg leaves what it unpacks. A
# binary linked a moment ago is still dirty in the page cache, which the daemon cannot hand
# back once settled (dirty pages are not reclaimed without writeback), and its writeback then
# lands inside the measured windows: 8.4 MB and a 1020 ms gap instead of 7.5 MB and 1000 ms.
sync "$app"

idle=${BENCH_IDLE_SECONDS:-20}
load=${BENCH_LOAD_SECONDS:-20}
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The reader: timestamps each pet byte; on SIGTERM prints "pets max_gap_ms" for the load window.
cat >"$work/reader.py" <<'PY'
import os, signal, sys, time
path, out = sys.argv[1], sys.argv[2]
stamps = []
mark = [None]
def stop(*_):
    window = [t for t in stamps if mark[0] is not None and t >= mark[0]]
    gaps = [b - a for a, b in zip(window, window[1:])]
    with open(out, "w") as f:
        f.write(f"{len(window)} {max(gaps) * 1000 if gaps else 0:.1f}\n")
    sys.exit(0)
def begin(*_):
    mark[0] = time.monotonic()
signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGUSR1, begin)
fd = os.open(path, os.O_RDONLY)
while True:
    data = os.read(fd, 4096)
    if not data:
        break
    now = time.monotonic()
    stamps.extend(now for b in data if b != ord("V"))
PY

# Appliance: a root whose /proc and /sys are the real ones, so the built-in checks read this machine.
root="$work/root"
mkdir -p "$root/dev" "$root/etc/appliance"
ln -s /proc "$root/proc"
ln -s /sys "$root/sys"
mkfifo "$root/dev/watchdog0" "$work/classic.fifo"
echo $$ >"$work/alive.pid"
cat >"$root/etc/appliance/appliance.conf" <<CONF
[Watchdog]
Board=none
Device=/dev/watchdog0
Interval=1s
CheckInterval=1s
BuiltinChecks=temperature edac fds
Check=/bin/true
Check=/usr/bin/test -e $work/alive.pid
RealtimePriority=1
LockMemory=yes
CONF
# Classic: the same five kinds of work: load, memory, a file, a pid file, a test binary.
cat >"$work/watchdog.conf" <<CONF
watchdog-device = $work/classic.fifo
interval = 1
realtime = yes
priority = 1
max-load-1 = 1000
min-memory = 1
file = $work/alive.pid
pidfile = $work/alive.pid
test-binary = /bin/true
CONF

chrt -f 50 python3 "$work/reader.py" "$root/dev/watchdog0" "$work/appliance.gaps" & reader_a=$!
chrt -f 50 python3 "$work/reader.py" "$work/classic.fifo" "$work/classic.gaps" & reader_c=$!
pids+=("$reader_a" "$reader_c")
"$app" --root "$root" watchdog run 2>"$work/appliance.log" & app_pid=$!
/usr/sbin/watchdog -F -c "$work/watchdog.conf" 2>"$work/classic.log" & classic_pid=$!
pids+=("$app_pid" "$classic_pid")
sleep 3
for p in "$app_pid" "$classic_pid"; do
  kill -0 "$p" 2>/dev/null || { echo "bench: a daemon died at start:" >&2; cat "$work/appliance.log" "$work/classic.log" >&2; exit 70; }
done

# Per process: RSS (KiB), CPU ticks (utime+stime), context switches over all threads.
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
switches() { cat /proc/"$1"/task/*/status | awk '/ctxt_switches/ { s += $2 } END { print s }'; }
hz=$(getconf CLK_TCK)

a_rss0=$(rss_kb "$app_pid")
a_cpu0=$(cpu_ticks "$app_pid"); c_cpu0=$(cpu_ticks "$classic_pid")
a_sw0=$(switches "$app_pid"); c_sw0=$(switches "$classic_pid")
sleep "$idle"
a_cpu1=$(cpu_ticks "$app_pid"); c_cpu1=$(cpu_ticks "$classic_pid")
a_sw1=$(switches "$app_pid"); c_sw1=$(switches "$classic_pid")
a_rss=$(rss_kb "$app_pid"); c_rss=$(rss_kb "$classic_pid")

# Load: every CPU spinning plus memory churn, both daemons petting throughout.
kill -USR1 "$reader_a" "$reader_c"
stress-ng --cpu "$(nproc)" --vm 2 --vm-bytes 25% --timeout "${load}s" --quiet
kill -TERM "$reader_a" "$reader_c" 2>/dev/null || true
wait "$reader_a" "$reader_c" 2>/dev/null || true
a_rss2=$(rss_kb "$app_pid")
read -r a_pets a_gap <"$work/appliance.gaps"
read -r c_pets c_gap <"$work/classic.gaps"

per_s() { awk -v a="$1" -v b="$2" -v s="$3" -v k="${4:-1}" 'BEGIN { printf "%.2f", (b - a) * k / s }'; }
a_cpu=$(per_s "$a_cpu0" "$a_cpu1" "$idle" "$(awk -v h="$hz" 'BEGIN { print 1000 / h }')")
c_cpu=$(per_s "$c_cpu0" "$c_cpu1" "$idle" "$(awk -v h="$hz" 'BEGIN { print 1000 / h }')")
a_wk=$(per_s "$a_sw0" "$a_sw1" "$idle")
c_wk=$(per_s "$c_sw0" "$c_sw1" "$idle")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print (a == 0 ? "1.00" : "inf"); else printf "%.2f", a / b }'; }

printf '%-22s %10s %14s %12s %22s\n' "" "RSS" "CPU (idle)" "wakeups/s" "largest pet gap (load)"
printf '%-22s %6s KiB %9s ms/s %12s %15s ms (%s pets)\n' "appliance watchdog" "$a_rss" "$a_cpu" "$a_wk" "$a_gap" "$a_pets"
printf '%-22s %6s KiB %9s ms/s %12s %15s ms (%s pets)\n' "watchdog(8) 5.16" "$c_rss" "$c_cpu" "$c_wk" "$c_gap" "$c_pets"
r_rss=$(ratio "$a_rss" "$c_rss"); r_cpu=$(ratio "$a_cpu" "$c_cpu"); r_wk=$(ratio "$a_wk" "$c_wk"); r_gap=$(ratio "$a_gap" "$c_gap")
printf '%-22s %9sx %13sx %11sx %21sx\n' "ratio (appliance/peer)" "$r_rss" "$r_cpu" "$r_wk" "$r_gap"
# The issue's own goals: RSS <= 8 MiB; the largest gap within interval + 50 ms and no worse than the peer's.
echo "appliance binary: $(stat -c %s "$app") bytes ($app)"
echo "appliance RSS: ${a_rss0} KiB after start, ${a_rss} KiB after ${idle} s idle, ${a_rss2} KiB after the load; goal <= 8192 KiB: $(awk -v r="$a_rss2" 'BEGIN { print (r <= 8192 ? "met" : "NOT met") }')"
echo "largest gap: $(awk -v g="$a_gap" -v c="$c_gap" 'BEGIN { print (g <= 1050 && g <= c ? "within 1 s + 50 ms and no worse than the peer: met" : "goal (<= 1050 ms and <= the peer) NOT met") }')"
echo "(1 s interval, 5 checks each, ${idle} s idle window, ${load} s of stress-ng --cpu $(nproc) --vm 2 --vm-bytes 25%; device: a FIFO, see the header)"
