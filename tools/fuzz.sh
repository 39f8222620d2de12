#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang, ASan + UBSan) in
# build-fuzz and runs each for a bounded time over a copy of its corpus
# (plus freshly generated seeds):
#   tools/fuzz.sh [SECONDS_PER_TARGET]     (default 10; tools/run.sh test uses 5)
# Prints one line per target; exits non-zero if any target crashed, leaked,
# hung or broke a property. Crashing inputs are kept in build-fuzz/fuzz-out/.
# Environment:
#   SIMPUL_FUZZ_TARGETS   space-separated subset, e.g. "hub_sync codec"
#   SIMPUL_FUZZ_BUILD_DIR build directory (default build-fuzz)
#   SIMPUL_BUILD_LOCK     a lock file to hold (flock) around cmake, on shared build machines
# Longer runs of one target: tests/fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
case "$seconds" in
  ''|*[!0-9]*) echo "usage: tools/fuzz.sh [SECONDS_PER_TARGET]" >&2; exit 2 ;;
esac
jobs=$(nproc 2>/dev/null || echo 2)
build=${SIMPUL_FUZZ_BUILD_DIR:-build-fuzz}
targets=${SIMPUL_FUZZ_TARGETS:-"codec decode_alloc envelope at_rest hub_sync regions_csv dtks_csv indicators validate"}

for tool in clang clang++; do
  command -v "$tool" >/dev/null || { echo "fuzz: $tool not found (tools/setup.sh installs it)" >&2; exit 1; }
done

locked() {
  if [ -n "${SIMPUL_BUILD_LOCK:-}" ]; then flock "$SIMPUL_BUILD_LOCK" "$@"; else "$@"; fi
}

start=$(date +%s)
locked cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DSIMPUL_FUZZ=ON -DSIMPUL_BUILD_TESTS=OFF -DSIMPUL_BUILD_TOOLS=OFF >/dev/null
build_targets=(--target simpul_fuzz_seeds)
for t in $targets; do build_targets+=(--target "${t}_fuzz"); done
if ! locked cmake --build "$build" -j"$jobs" "${build_targets[@]}" >"$build/fuzz-build.log" 2>&1; then
  tail -n 40 "$build/fuzz-build.log" >&2
  echo "fuzz: build failed (log: $build/fuzz-build.log)" >&2
  exit 1
fi
echo "fuzz: built in $(( $(date +%s) - start ))s; ${seconds}s per target"

out="$build/fuzz-out"
# Fresh seeds beside the committed ones: sealed seeds name the schema
# version, which the hub refuses once it moves on.
rm -rf "$out/seeds"
"$build/tests/fuzz/simpul_fuzz_seeds" "$out/seeds" >/dev/null
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
failed=0
for t in $targets; do
  bin="$build/tests/fuzz/${t}_fuzz"
  work="$out/$t"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/artifacts" "$work/tmp"
  cp -R "tests/fuzz/corpus/$t/." "$work/corpus/"
  cp -R "$out/seeds/$t/." "$work/corpus/"
  seeds=$(find "$work/corpus" -type f | wc -l)
  log="$work/fuzz.log"
  rc=0
  TMPDIR="$(cd "$work/tmp" && pwd)" "$bin" "$work/corpus" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=60 \
    -print_final_stats=1 -artifact_prefix="$work/artifacts/" >"$log" 2>&1 || rc=$?
  rm -rf "$work/tmp"
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2 || true)
  corpus=$(find "$work/corpus" -type f | wc -l)
  if [ "$rc" -eq 0 ]; then
    printf 'fuzz: %-12s ok     %4ss  runs=%-9s exec/s=%-7s cov=%-6s corpus=%s->%s\n' \
      "$t" "$seconds" "${runs:-?}" "${eps:-?}" "${cov:-?}" "$seeds" "$corpus"
  else
    failed=1
    artifact=$(find "$work/artifacts" -type f | head -n 1)
    printf 'fuzz: %-12s FAILED (exit %s) input: %s  log: %s\n' "$t" "$rc" "${artifact:-none}" "$log"
    # The report's headline and the frames in our C++ sources.
    grep -E -A1 '^==[0-9]+==ERROR|FUZZ PROPERTY VIOLATED|runtime error|fuzz setup failed' "$log" | grep -v '^--$' \
      | head -n 6 | sed 's/^/      /' || true
    grep -E '^ +#[0-9]+ .* /[^ ]*\.(cc|h|hpp):[0-9]+' "$log" | head -n 8 | cut -c1-220 | sed 's/^/      /' || true
    grep -E '^SUMMARY' "$log" | head -n 1 | sed 's/^/      /' || true
  fi
done
echo "fuzz: done in $(( $(date +%s) - start ))s"
exit "$failed"
