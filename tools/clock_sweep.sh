#!/usr/bin/env bash
# Runs the test suite (without the browser tests and the long runs) with
# the machine's clock moved to moments where a date changes in one of
# Indonesia's zones and not in another, or not in UTC: the office's day,
# month and year must come from its own zone (WIB/WITA/WIT), never from
# UTC or from the time of day the suite happens to run at.
#
#   tools/clock_sweep.sh [BUILD_DIR]     (default build-test; part of `tools/run.sh test --long`)
#
# libfaketime (Debian `faketime`) moves the clock of the ctest process and
# of every process it starts by the same offset, so the hub and the nodes
# of a test still agree with each other. Python's time.sleep fails under
# it (EINVAL), hence no browser tests here.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-test}
command -v faketime >/dev/null || { echo "clock_sweep: faketime is missing (tools/setup.sh)" >&2; exit 2; }
moments=(
  "2026-12-31 16:40:00"  # 23:40 WIB, 00:40 WITA, 01:40 WIT: a new year in Papua only
  "2027-02-28 17:30:00"  # 00:30 WIB on 1 March: a new day and month everywhere, not in UTC
  "2027-03-31 20:30:00"  # 03:30 WIB: the small hours, when "4 h ago" is yesterday
)
status=0
for m in "${moments[@]}"; do
  offset=$(( $(date -u -d "$m" +%s) - $(date -u +%s) ))
  echo "== clock at $m UTC (offset ${offset} s)"
  (cd "$build" && ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
     FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f "+${offset}s" \
     ctest --output-on-failure -j"$(( $(nproc) + 1 ))" --timeout 900 -LE long -E '^browser') || status=1
done
exit $status
