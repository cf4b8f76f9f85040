#!/usr/bin/env bash
# `appliance env list` against `grub-editenv list` on the same grubenv: wall time (hyperfine,
# many runs) and peak RSS (GNU time, median of several runs), with ratios. Goal: <= 1.5x.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
app="$top/artifacts/bin/appliance"
[ -x "$app" ] || { echo "bench: $app is missing; run 'make publish'" >&2; exit 66; }
for tool in hyperfine grub-editenv /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing; run 'make deps'" >&2; exit 69; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
env="$work/grubenv"
# A block as a trial boot leaves it: the distro's variables and ours.
grub-editenv "$env" create
grub-editenv "$env" set saved_entry=gnulinux-6.1.0-56-amd64-advanced next_entry= boot_success=1 \
  boot_indeterminate=0 appliance_state=trial appliance_trial=trial-6.1.0-57 appliance_tries=3 \
  appliance_good=gnulinux-6.1.0-56-amd64-advanced "kernelopts=root=/dev/vda1 ro console=ttyS0"
cmp <("$app" env list --file "$env") <(grub-editenv "$env" list) \
  || { echo "bench: outputs differ; the comparison would be meaningless" >&2; exit 70; }

runs=${BENCH_RUNS:-300}
hyperfine -N --warmup 30 --runs "$runs" --export-csv "$work/wall.csv" \
  -n appliance "$app env list --file $env" -n grub-editenv "grub-editenv $env list" >/dev/null

# CSV columns: command,mean,stddev,median,user,system,min,max (seconds)
median_ms() { awk -F, -v n="$1" '$1 == n { printf "%.3f", $4 * 1000 }' "$work/wall.csv"; }
peak_rss_kb() {
  for _ in $(seq 15); do /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1; done | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

a_ms=$(median_ms appliance)
g_ms=$(median_ms grub-editenv)
a_kb=$(peak_rss_kb "$app" env list --file "$env")
g_kb=$(peak_rss_kb grub-editenv "$env" list)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v r="$1" 'BEGIN { print (r <= 1.5 ? "goal <= 1.5x met" : "goal <= 1.5x NOT met") }'; }

wall_ratio=$(ratio "$a_ms" "$g_ms")
rss_ratio=$(ratio "$a_kb" "$g_kb")
printf '%-28s %12s %14s\n' "" "wall (median)" "peak RSS (median)"
printf '%-28s %10s ms %11s KiB\n' "appliance env list" "$a_ms" "$a_kb"
printf '%-28s %10s ms %11s KiB\n' "grub-editenv list" "$g_ms" "$g_kb"
printf '%-28s %12sx %14sx\n' "ratio (appliance / peer)" "$wall_ratio" "$rss_ratio"
echo "wall: $(verdict "$wall_ratio"); RSS: $(verdict "$rss_ratio") ($runs runs each)"
echo "AOT binary: $(stat -c %s "$app") bytes ($app, stripped)"
