#!/usr/bin/env bash
# scripts/fuzz.sh [SECONDS]: builds the libFuzzer targets (clang 16,
# ASan+UBSan, CHASQUI_FUZZ=ON) in build-fuzz/ and runs them for SECONDS in all
# (default 60), half each:
#   chasqui_server_request_fuzzer  the server's request parsing, on a copy of
#                                  tests/fuzz/corpus with tests/fuzz/server_request.dict
#   chasqui_client_answer_fuzzer   the kiosk's decoders of server answers and sync
#                                  files, on tests/fuzz/client_corpus with
#                                  tests/fuzz/client_answer.dict
# Exits non-zero when either finds a crash, a sanitizer report or a broken
# contract; the input is then in build-fuzz/crashes/ (replay it with:
# build-fuzz/bin/<target> FILE). The whole output is in build-fuzz/fuzz-<target>.log.
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
flock /tmp/chasqui-build.lock cmake --build "$build_dir" -j"$(nproc)" \
  --target chasqui_server_request_fuzzer chasqui_client_answer_fuzzer
built=$(date +%s)

crashes="$build_dir/crashes"
mkdir -p "$crashes"
# The server fuzzer's store; it lives as long as the run.
work=$(mktemp -d "${TMPDIR:-/tmp}/chasqui-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT

# fuzz TARGET SEEDS DICT SECONDS: one target on a fresh copy of its seeds.
fuzz() {
  local target=$1 seeds=$2 dict=$3 budget=$4
  local corpus="$build_dir/corpus-$target" log="$build_dir/fuzz-$target.log" status=0 from
  rm -rf "$corpus"
  mkdir -p "$corpus"
  cp "$seeds"/* "$corpus/"
  from=$(date +%s)
  CHASQUI_FUZZ_WORK_DIR="$work/server" "$build_dir/bin/$target" \
    -max_total_time="$budget" -timeout=30 -dict="$dict" -artifact_prefix="$crashes/" \
    -print_final_stats=1 "$corpus" >"$log" 2>&1 || status=$?
  echo "fuzz: $target ran $(($(date +%s) - from)) s"
  grep -E '^(Done|stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb))' "$log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 80 "$log"
    echo "fuzz: $target FAILED (exit $status); the input is in $crashes/:" >&2
    find "$crashes" -type f -newermt "@$built" -printf '  %p\n' >&2
  fi
  return "$status"
}

server_seconds=$((seconds / 2))
client_seconds=$((seconds - server_seconds))
status=0
fuzz chasqui_server_request_fuzzer tests/fuzz/corpus tests/fuzz/server_request.dict "$server_seconds" || status=$?
fuzz chasqui_client_answer_fuzzer tests/fuzz/client_corpus tests/fuzz/client_answer.dict "$client_seconds" || status=$?
finished=$(date +%s)
echo "fuzz: configure and build $((built - started)) s, run $((finished - built)) s"
if [ "$status" -ne 0 ]; then
  exit "$status"
fi
echo "fuzz: no crash in ${seconds} s"
