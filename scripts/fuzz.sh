#!/usr/bin/env bash
# Runs every libFuzzer target in BUILD_DIR for SECONDS each, starting from
# the seed corpus in fuzz/corpus/. A crash, a hang or a sanitizer report
# fails the run and leaves the input as BUILD_DIR/crash-... (or timeout-...).
set -euo pipefail
build_dir=$1
seconds=${2:-20}
cd "$(dirname "$0")/.."
for target in experiment overrides csv; do
  work=$(mktemp -d)
  cp fuzz/corpus/"$target"/* "$work"/
  log="$build_dir/fuzz_$target.log"
  status=0
  "$build_dir/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
    -print_final_stats=1 -artifact_prefix="$build_dir/" "$work" >"$log" 2>&1 || status=$?
  rm -rf "$work"
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  echo "fuzz_$target: ${seconds}s, $runs inputs, exit $status"
  if [ "$status" -ne 0 ]; then
    grep -E '^(==|SUMMARY|\*\*\*)|ERROR' "$log" | head -20
    echo "fuzz_$target found a failing input: see $log and $build_dir/crash-* or timeout-*"
    exit 1
  fi
done
