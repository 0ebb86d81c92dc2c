#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS]: builds the libFuzzer target
# chasqui_server_request_fuzzer (clang 16, ASan+UBSan, CHASQUI_FUZZ=ON) in
# build-fuzz/ and runs it for SECONDS (default 60) on a copy of
# tests/fuzz/corpus, with the dictionary tests/fuzz/server_request.dict.
# Exits non-zero when it finds a crash, a sanitizer report or a broken API
# contract; the input is then in build-fuzz/crashes/ (replay it with:
# build-fuzz/bin/chasqui_server_request_fuzzer FILE). The whole output is in
# build-fuzz/fuzz.log.
#
# Only the fuzz target and the libraries it links are built, so the run costs
# a few minutes on top of SECONDS the first time; the main build is untouched.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build_dir=${BUILD_DIR:-build-fuzz}
scripts/setup-debian.sh

started=$(date +%s)
CC=clang-16 CXX=clang++-16 cmake -S . -B "$build_dir" -DCHASQUI_FUZZ=ON -DCHASQUI_BUILD_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
# The lock is shared with every other build on the machine (two cores).
flock /tmp/chasqui-build.lock cmake --build "$build_dir" -j"$(nproc)" --target chasqui_server_request_fuzzer
built=$(date +%s)

corpus="$build_dir/corpus"
crashes="$build_dir/crashes"
rm -rf "$corpus"
mkdir -p "$corpus" "$crashes"
cp tests/fuzz/corpus/* "$corpus/"
# The fuzzer's server store; it lives as long as the run.
work=$(mktemp -d "${TMPDIR:-/tmp}/chasqui-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

log="$build_dir/fuzz.log"
status=0
CHASQUI_FUZZ_WORK_DIR="$work/server" "$build_dir/bin/chasqui_server_request_fuzzer" \
  -max_total_time="$seconds" -timeout=30 -dict=tests/fuzz/server_request.dict -artifact_prefix="$crashes/" \
  -print_final_stats=1 "$corpus" >"$log" 2>&1 || status=$?
finished=$(date +%s)

grep -E '^(Done|stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb))' "$log" || true
echo "fuzz: configure and build $((built - started)) s, run $((finished - built)) s"
if [ "$status" -ne 0 ]; then
  tail -n 80 "$log"
  echo "fuzz: FAILED (exit $status); the input is in $crashes/:" >&2
  find "$crashes" -type f -newermt "@$built" -printf '  %p\n' >&2
  exit "$status"
fi
echo "fuzz: no crash in ${seconds} s"
