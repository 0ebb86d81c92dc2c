#!/usr/bin/env bash
# scripts/setup-debian.sh on a machine whose dpkg has never seen our packages
# (dpkg-query exits 1 for each): it must get as far as naming what is missing,
# libsqlcipher-dev among it, rather than end silently at the first lookup.
# Run as a user without root or sudo, so it stops there and installs nothing.
set -euo pipefail
script="$(cd "$(dirname "$0")/../../scripts" && pwd)/setup-debian.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin"
for tool in bash sed grep cat dirname; do ln -s "$(command -v "$tool")" "$tmp/bin/$tool"; done
printf '#!/bin/sh\necho "dpkg-query: no packages found matching $3" >&2\nexit 1\n' > "$tmp/bin/dpkg-query"
printf '#!/bin/sh\necho 1000\n' > "$tmp/bin/id"
chmod +x "$tmp/bin/dpkg-query" "$tmp/bin/id"

rc=0
err=$(PATH="$tmp/bin" bash "$script" 2>&1 >/dev/null) || rc=$?
failures=0
check() {  # check DESCRIPTION CONDITION...
  local what=$1
  shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; failures=$((failures + 1)); fi
}
check "exits 1 (nothing can be installed)" [ "$rc" -eq 1 ]
check "names the missing packages" grep -q "setup: missing packages (" <<<"$err"
check "names cmake among them" grep -q "cmake" <<<"$err"
check "names SQLCipher from bookworm-backports" grep -q "libsqlcipher-dev (>= 4.6, from bookworm-backports" <<<"$err"
check "says what to do" grep -q "ask an administrator" <<<"$err"
[ "$failures" -eq 0 ] || { echo "stderr was: $err"; exit 1; }
