#!/usr/bin/env bash
# make bench: every benchmark, each measuring Appliance against a peer in the same run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for bench in "$here"/*.bench.sh; do
  echo "== $(basename "$bench" .bench.sh)"
  "$bench"
  echo
done
