#!/usr/bin/env bash
# `appliance entries` against `grub-script-check` (GRUB's own lexer and parser, from grub-common)
# on the same generated Debian-shaped grub.cfg (tools/bench/gen-grubcfg.sh): wall time per MB
# (hyperfine, median) and the ratio. Goal: <= 1x, no slower than GRUB's checker. Both sizes are
# measured, the larger four times the smaller: a parse that is linear costs about the same per
# MB on both, so a per-MB time that grows with the size fails the bench (a quadratic spot).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
# APPLIANCE: another build to measure (an older one, to see what a change bought).
app=${APPLIANCE:-"$top/artifacts/bin/appliance"}
[ -x "$app" ] || { echo "bench: $app is missing; run 'make publish'" >&2; exit 66; }
command -v hyperfine >/dev/null || { echo "bench: hyperfine is missing; run 'make deps'" >&2; exit 69; }
checker=$(command -v grub-script-check || true)
[ -n "$checker" ] || { echo "bench: grub-script-check is missing: install grub-common (make deps)" >&2; exit 69; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
entries=${BENCH_ENTRIES:-15000}
small=$((entries / 4))
"$top/tools/bench/gen-grubcfg.sh" "$small" > "$work/small.cfg"
"$top/tools/bench/gen-grubcfg.sh" "$entries" > "$work/large.cfg"
for size in small large; do
  cfg="$work/$size.cfg"
  "$checker" "$cfg" || { echo "bench: grub-script-check rejects $cfg; the comparison would be meaningless" >&2; exit 70; }
  want=$(grep -c '^[[:space:]]*menuentry ' "$cfg")
  got=$("$app" entries --config "$cfg" | wc -l)
  [ "$got" -eq "$want" ] || { echo "bench: appliance lists $got entries of $want in $cfg" >&2; exit 70; }
done

runs=${BENCH_RUNS:-10}
hyperfine -N --warmup 1 --runs "$runs" --export-csv "$work/wall.csv" \
  -n app-small "$app entries --config $work/small.cfg" -n grub-small "$checker $work/small.cfg" \
  -n app-large "$app entries --config $work/large.cfg" -n grub-large "$checker $work/large.cfg" >/dev/null

# CSV columns: command,mean,stddev,median,user,system,min,max (seconds)
median_ms() { awk -F, -v n="$1" '$1 == n { printf "%.1f", $4 * 1000 }' "$work/wall.csv"; }
mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.2f", b / 1048576 }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

small_mb=$(mb "$work/small.cfg")
large_mb=$(mb "$work/large.cfg")
printf '%-34s %10s %12s %10s\n' "" "wall" "per MB" "ratio"
for size in small large; do
  size_mb=$([ "$size" = small ] && echo "$small_mb" || echo "$large_mb")
  a=$(median_ms "app-$size")
  g=$(median_ms "grub-$size")
  printf '%-34s %7s ms %7s ms/MB\n' "appliance entries ($size_mb MB)" "$a" "$(div "$a" "$size_mb")"
  printf '%-34s %7s ms %7s ms/MB\n' "grub-script-check ($size_mb MB)" "$g" "$(div "$g" "$size_mb")"
  printf '%-34s %25s %9sx\n' "ratio (appliance / peer)" "" "$(div "$a" "$g")"
done

large_ratio=$(div "$(median_ms app-large)" "$(median_ms grub-large)")
echo "wall: $(awk -v r="$large_ratio" 'BEGIN { print (r <= 1.0 ? "goal <= 1x met" : "goal <= 1x NOT met") }') on $large_mb MB ($runs runs each)"

# Linear: the large file costs at most 1.5x the small one per MB (process start-up makes the
# small one dearer per MB, so a linear parse shows below 1x; a quadratic one shows about 4x).
growth=$(div "$(div "$(median_ms app-large)" "$large_mb")" "$(div "$(median_ms app-small)" "$small_mb")")
echo "appliance per-MB time, large / small: ${growth}x"
if awk -v g="$growth" 'BEGIN { exit !(g > 1.5) }'; then
  echo "bench: appliance entries is superlinear: per-MB time grows ${growth}x from $small_mb MB to $large_mb MB (at most 1.5x for a linear parse)" >&2
  exit 1
fi
