#!/usr/bin/env bash
# The two commands of the README, plus the benchmarks:
#   tools/run.sh demo    install what is missing, build (Release), run the demo
#   tools/run.sh demo --serve   the same, then leave the Dinsos and village web apps open
#   tools/run.sh test    install what is missing, build with ASan+UBSan, run every test
#                        except the long ones, and replay each fuzz target's corpus
#   tools/run.sh test --long   the same, plus the soak and poor-link runs (label "long")
#                        and real fuzzing of each decoder for 30 s (clang, tools/fuzz.sh),
#                        and the suite again at three other dates and hours (tools/clock_sweep.sh)
#   tools/run.sh bench   build (Release) and run the benchmark programs
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
what=${1:-}
long=no
case "$what" in
  demo|bench) serve=${2:-} ;;
  test) [ "${2:-}" = "--long" ] && long=yes ;;
  *) echo "usage: tools/run.sh demo [--serve]|test [--long]|bench" >&2; exit 2 ;;
esac
bash tools/setup.sh
case "$what" in
  demo)
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSIMPUL_BUILD_TESTS=OFF >/dev/null
    cmake --build build -j"$jobs"
    bash tools/demo.sh build/bin $serve
    ;;
  test)
    # Ninja where the build dir is new or already Ninja's: it compiles a
    # library's dependents while the library links (Make leaves a core idle).
    generator=()
    if command -v ninja >/dev/null &&
       { [ ! -f build-test/CMakeCache.txt ] || grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' build-test/CMakeCache.txt; }; then
      generator=(-G Ninja)
    fi
    cmake -S . -B build-test "${generator[@]}" -DCMAKE_BUILD_TYPE=Debug -DSIMPUL_SANITIZE=ON -DSIMPUL_FAST_KDF=ON >/dev/null
    cmake --build build-test -j"$jobs"
    bash tools/check_deps.sh
    python3 tools/check_catalogue.py
    # Tests side by side: the e2e shards (one ctest entry per tests/e2e file)
    # spend most of their time waiting on the processes they start, so one
    # more than the cores keeps the machine busy.
    ctest_jobs=$((jobs + 1))
    if [ "$long" = yes ]; then
      (cd build-test && ctest --output-on-failure -j"$ctest_jobs" --timeout 900)
      # Every decoder of outside bytes, fuzzed for real (clang + libFuzzer, build-fuzz).
      bash tools/fuzz.sh 30
      # The office's dates at zone boundaries, whatever hour this runs at.
      bash tools/clock_sweep.sh build-test
    else
      (cd build-test && ctest --output-on-failure -j"$ctest_jobs" --timeout 1800 -LE long)
    fi
    ;;
  bench)
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSIMPUL_BUILD_TESTS=OFF >/dev/null
    cmake --build build -j"$jobs"
    for b in build/bin/bench_*; do echo "== $b"; "$b"; done
    echo "== tools/bench_bundle.sh"; tools/bench_bundle.sh build/bin 1000
    ;;
esac
