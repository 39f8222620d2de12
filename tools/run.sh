#!/usr/bin/env bash
# The two commands of the README, plus the benchmarks:
#   tools/run.sh demo    install what is missing, build (Release), run the demo
#   tools/run.sh test    install what is missing, build with ASan+UBSan, run every test,
#                        then fuzz each decoder for 5 s (tools/fuzz.sh)
#   tools/run.sh bench   build (Release) and run the benchmark programs
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
what=${1:-}
case "$what" in
  demo|test|bench) ;;
  *) echo "usage: tools/run.sh demo|test|bench" >&2; exit 2 ;;
esac
bash tools/setup.sh
case "$what" in
  demo)
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSIMPUL_BUILD_TESTS=OFF >/dev/null
    cmake --build build -j"$jobs"
    bash tools/demo.sh build/bin
    ;;
  test)
    cmake -S . -B build-test -DCMAKE_BUILD_TYPE=Debug -DSIMPUL_SANITIZE=ON >/dev/null
    cmake --build build-test -j"$jobs"
    bash tools/check_deps.sh
    python3 tools/check_catalogue.py
    (cd build-test && ctest --output-on-failure --timeout 600)
    # Every decoder of outside bytes, fuzzed briefly (clang + libFuzzer, build-fuzz).
    bash tools/fuzz.sh 5
    ;;
  bench)
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DSIMPUL_BUILD_TESTS=OFF >/dev/null
    cmake --build build -j"$jobs"
    for b in build/bin/bench_*; do echo "== $b"; "$b"; done
    ;;
esac
