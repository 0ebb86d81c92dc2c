#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test suite with CTest.
# CHASQUI_SANITIZE=1 runs the same suites under ASan+UBSan (build-asan/).
# Iteration counts and sizes: CHASQUI_CRASH_ITERATIONS, CHASQUI_UPGRADE_KILLS,
# CHASQUI_DUP_POPULATION, CHASQUI_DUP_QUALITY_PERSONS, CHASQUI_IMPORT_ROWS, RC_PARAMS.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup-debian.sh
build_dir=$(scripts/build.sh | tail -n 1)
cd "$build_dir"
ctest --output-on-failure --timeout 1200 "$@"
