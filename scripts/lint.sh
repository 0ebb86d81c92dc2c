#!/usr/bin/env bash
# scripts/lint.sh [BUILD_DIR]: the checks CI runs on the code itself.
#  1. Every C++ file tracked by git follows .clang-format (clang-format-16).
#     Fix with: git ls-files '*.cpp' '*.hpp' | xargs clang-format-16 -i
#  2. clang-tidy-16 with the checks listed in .clang-tidy on every translation
#     unit of BUILD_DIR's compile_commands.json (default: build/, made by
#     scripts/build.sh). Incremental: a unit whose preprocessed text, compile
#     command, .clang-tidy and clang-tidy version were already checked clean
#     is skipped (cache in $CHASQUI_TIDY_CACHE, default ~/.cache/chasqui-tidy),
#     so a second run checks only what changed, headers included.
# Exits non-zero on the first failing step, naming the files.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
jobs=${CHASQUI_LINT_JOBS:-$(nproc)}

started=$(date +%s)
unformatted=$(git ls-files '*.cpp' '*.hpp' | xargs clang-format-16 --dry-run 2>&1 | grep -oE '^[^:]+\.(cpp|hpp)' | sort -u || true)
if [ -n "$unformatted" ]; then
  echo "lint: these files do not follow .clang-format (run clang-format-16 -i on them):" >&2
  echo "$unformatted" | sed 's/^/  /' >&2
  exit 1
fi
echo "lint: every C++ file follows .clang-format ($(($(date +%s) - started)) s)"

if [ ! -f "$build_dir/compile_commands.json" ]; then
  echo "lint: $build_dir/compile_commands.json is missing; build first (scripts/build.sh)" >&2
  exit 1
fi
started=$(date +%s)
exec python3 scripts/tidy_incremental.py "$build_dir" "$jobs"
