#!/usr/bin/env bash
# `appliance env list` against `grub-editenv list` on the same grubenv: wall time (hyperfine,
# many runs) and peak RSS (GNU time, median of several runs), with ratios. Goal: <= 1.5x.
# Beside them the floor (tools/bench/floor): the same command on the same stack with nothing
# else, which is what no implementation on native-AOT .NET can go below.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
app="$top/artifacts/bin/appliance"
[ -x "$app" ] || { echo "bench: $app is missing; run 'make publish'" >&2; exit 66; }
for tool in hyperfine grub-editenv /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing; run 'make deps'" >&2; exit 69; }
done

# The floor: the least a native-AOT CLI on this stack can be (tools/bench/floor), measured in
# the same run, so the ratio the runtime and the mandated libraries cost by themselves is known.
floor="$top/artifacts/bench/floor/floor"
"${DOTNET:-dotnet}" publish "$top/tools/bench/floor" -c Release -r linux-x64 -warnaserror -o "$(dirname "$floor")" >/dev/null \
  || { echo "bench: building tools/bench/floor failed" >&2; exit 70; }

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
  -n appliance "$app env list --file $env" -n grub-editenv "grub-editenv $env list" \
  -n floor "$floor env list --file $env" >/dev/null

# CSV columns: command,mean,stddev,median,user,system,min,max (seconds)
median_ms() { awk -F, -v n="$1" '$1 == n { printf "%.3f", $4 * 1000 }' "$work/wall.csv"; }
peak_rss_kb() {
  for _ in $(seq 15); do /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1; done | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

a_ms=$(median_ms appliance)
g_ms=$(median_ms grub-editenv)
a_kb=$(peak_rss_kb "$app" env list --file "$env")
g_kb=$(peak_rss_kb grub-editenv "$env" list)
f_ms=$(median_ms floor)
f_kb=$(peak_rss_kb "$floor" env list --file "$env")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
verdict() { awk -v r="$1" 'BEGIN { print (r <= 1.5 ? "goal <= 1.5x met" : "goal <= 1.5x NOT met") }'; }

wall_ratio=$(ratio "$a_ms" "$g_ms")
rss_ratio=$(ratio "$a_kb" "$g_kb")
printf '%-28s %12s %14s\n' "" "wall (median)" "peak RSS (median)"
printf '%-28s %10s ms %11s KiB\n' "appliance env list" "$a_ms" "$a_kb"
printf '%-28s %10s ms %11s KiB\n' "grub-editenv list" "$g_ms" "$g_kb"
printf '%-28s %10s ms %11s KiB\n' "floor (runtime + libraries)" "$f_ms" "$f_kb"
printf '%-28s %12sx %14sx\n' "ratio (appliance / peer)" "$wall_ratio" "$rss_ratio"
printf '%-28s %12sx %14sx\n' "ratio (floor / peer)" "$(ratio "$f_ms" "$g_ms")" "$(ratio "$f_kb" "$g_kb")"
echo "wall: $(verdict "$wall_ratio"); RSS: $(verdict "$rss_ratio") ($runs runs each)"
echo "floor: System.CommandLine + System.Text.Json + the NativeAOT runtime doing only the parse, read and print (tools/bench/floor)"
echo "floor binary: $(stat -c %s "$floor") bytes"
echo "AOT binary: $(stat -c %s "$app") bytes ($app, stripped)"
