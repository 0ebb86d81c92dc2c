#!/usr/bin/env bash
# Configures and builds into BUILD_DIR (default build/). CHASQUI_SANITIZE=1
# builds with AddressSanitizer and UndefinedBehaviorSanitizer into build-asan/,
# at -O1 with line tables only and without the benchmark (its suites do not
# run under the sanitizers: .ci/run), to keep that build short.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${CHASQUI_SANITIZE:-0}" = "1" ]; then
  build_dir=${BUILD_DIR:-build-asan}
  sanitize=ON
else
  build_dir=${BUILD_DIR:-build}
  sanitize=OFF
fi
extra=()
if [ "$sanitize" = ON ]; then
  extra=(-DCHASQUI_BUILD_BENCH=OFF "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG")
fi
cmake -S . -B "$build_dir" -DCHASQUI_SANITIZE="$sanitize" "${extra[@]}" >&2
cmake --build "$build_dir" -j"$(nproc)" >&2
echo "$build_dir"
