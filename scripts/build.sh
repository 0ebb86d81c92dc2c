#!/usr/bin/env bash
# Configures and builds into BUILD_DIR (default build/). CHASQUI_SANITIZE=1
# builds with AddressSanitizer and UndefinedBehaviorSanitizer into build-asan/.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${CHASQUI_SANITIZE:-0}" = "1" ]; then
  build_dir=${BUILD_DIR:-build-asan}
  sanitize=ON
else
  build_dir=${BUILD_DIR:-build}
  sanitize=OFF
fi
cmake -S . -B "$build_dir" -DCHASQUI_SANITIZE="$sanitize" >&2
cmake --build "$build_dir" -j"$(nproc)" >&2
echo "$build_dir"
