#!/usr/bin/env bash
# Builds the hot-path benchmark three more ways and runs each with the same filter and
# repetitions, so every figure has a std::mutex baseline from its own run:
#   lockorder  — Release, LOCKORDER_RUNTIME=1 (the figures we quote)
#   absl       — adds absl::Mutex cases (Debian's libabsl-dev), deadlock detection kReport
#   tsan       — clang++-16 -fsanitize=thread, TSAN_OPTIONS=detect_deadlocks=1: std::mutex
#                under ThreadSanitizer's deadlock detector
# Usage: tests/bench/compare.sh [repetitions]   (output: build-bench/compare/*.json)
set -euo pipefail
cd "$(dirname "$0")/../.."
reps=${1:-5}
out=build-bench/compare
mkdir -p "$out"
inc=(-Iinclude)
common=(-std=c++20 -O2 -DNDEBUG -DLOCKORDER_RUNTIME=1 -DLOCKORDER_MAX_CHAINS=262144)
filter='lock_unlock|nested4|pool64'
run() {  # name, binary, env...
  local name=$1 bin=$2; shift 2
  # Repetitions of all cases interleaved in random order: the noise of a shared machine
  # falls on std::mutex and lockorder alike instead of on whichever ran during a burst.
  env "$@" "$bin" --benchmark_filter="$filter" --benchmark_repetitions="$reps" \
    --benchmark_enable_random_interleaving=true \
    --benchmark_report_aggregates_only=true --benchmark_out="$out/$name.json" \
    --benchmark_out_format=json >/dev/null
  echo "wrote $out/$name.json"
}
g++ "${common[@]}" "${inc[@]}" tests/bench/lock_bench.cpp -o "$out/bench_gcc" -lbenchmark -lpthread -ldl
g++ "${common[@]}" "${inc[@]}" -DLOCKORDER_BENCH_ABSL tests/bench/lock_bench.cpp -o "$out/bench_absl" \
  -lbenchmark -labsl_synchronization -labsl_graphcycles_internal -labsl_stacktrace \
  -labsl_symbolize -labsl_malloc_internal -labsl_time -labsl_base -labsl_spinlock_wait \
  -labsl_raw_logging_internal -labsl_int128 -labsl_debugging_internal -labsl_demangle_internal \
  -labsl_time_zone -lpthread -ldl
clang++-16 "${common[@]}" "${inc[@]}" -DLOCKORDER_BENCH_BASELINE_ONLY -fsanitize=thread \
  tests/bench/lock_bench.cpp -o "$out/bench_tsan" -lbenchmark -lpthread -ldl
run lockorder "$out/bench_gcc"
run absl "$out/bench_absl"
run tsan "$out/bench_tsan" TSAN_OPTIONS=detect_deadlocks=1:report_signal_unsafe=0
python3 tests/bench/ratios.py "$out"/lockorder.json "$out"/absl.json "$out"/tsan.json
