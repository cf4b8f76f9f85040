#!/usr/bin/env bash
# Runs xunit.v3 test executables and closes with one plain summary line,
# "tests: N passed, N failed", summed over all of them. Fails when any test
# failed or errored, or when no test ran at all.
# Usage: tools/run-tests.sh EXE [xunit args...] [-- EXE [xunit args...]]...
set -uo pipefail

total=0 failed=0 skipped=0 status=0
run_one() {
  local log
  log=$(mktemp)
  "$@" -nocolor 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  [ "$rc" -ne 0 ] && status=1
  # "   Appliance.Tests  Total: 14, Errors: 0, Failed: 1, Skipped: 0, Not Run: 0, Time: 0.124s"
  local line
  line=$(grep -E 'Total: [0-9]+, Errors: [0-9]+, Failed: [0-9]+, Skipped: [0-9]+' "$log" | tail -n 1)
  if [ -z "$line" ]; then
    echo "run-tests: $1 printed no summary (did it crash?)" >&2
    status=1
  else
    local t e f s n
    t=$(sed -E 's/.*Total: ([0-9]+).*/\1/' <<<"$line")
    e=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$line")
    f=$(sed -E 's/.*Failed: ([0-9]+).*/\1/' <<<"$line")
    s=$(sed -E 's/.*Skipped: ([0-9]+).*/\1/' <<<"$line")
    n=$(sed -E 's/.*Not Run: ([0-9]+).*/\1/' <<<"$line")
    total=$((total + t))
    failed=$((failed + f + e))
    skipped=$((skipped + s + n))
  fi
  rm -f "$log"
}

cmd=()
for arg in "$@"; do
  if [ "$arg" = "--" ]; then
    [ ${#cmd[@]} -gt 0 ] && run_one "${cmd[@]}"
    cmd=()
  else
    cmd+=("$arg")
  fi
done
[ ${#cmd[@]} -gt 0 ] && run_one "${cmd[@]}"

passed=$((total - failed - skipped))
[ "$total" -eq 0 ] && { echo "run-tests: no test ran" >&2; status=1; }
[ "$failed" -gt 0 ] && status=1
if [ "$skipped" -gt 0 ]; then
  echo "tests: $passed passed, $failed failed, $skipped skipped"
else
  echo "tests: $passed passed, $failed failed"
fi
exit $status
