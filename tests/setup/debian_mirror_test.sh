#!/usr/bin/env bash
# scripts/debian-mirror.sh finds the bookworm mirror in the apt source layouts
# Debian machines have, and says "none" (exit 1) rather than guess one.
set -euo pipefail
script="$(dirname "$0")/../../scripts/debian-mirror.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
expect() {  # expect NAME WANTED_OUTPUT WANTED_EXIT
  local out rc=0
  out=$("$script" "$tmp/$1" 2>/dev/null) || rc=$?
  if [ "$out" != "$2" ] || [ "$rc" != "$3" ]; then
    echo "FAIL $1: got '$out' (exit $rc), wanted '$2' (exit $3)"
    failures=$((failures + 1))
  else
    echo "ok   $1"
  fi
}

# Debian 12's default: deb822, the security suite in its own paragraph, comments.
mkdir -p "$tmp/deb822/sources.list.d"
cat > "$tmp/deb822/sources.list.d/debian.sources" <<'SRC'
Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://mirror.example.pe/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://security.example.pe/debian-security
Suites: bookworm-security
Components: main
SRC
expect deb822 http://mirror.example.pe/debian 0

# Security first in the file: still the main mirror.
mkdir -p "$tmp/security-first/sources.list.d"
cat > "$tmp/security-first/sources.list.d/debian.sources" <<'SRC'
Types: deb
URIs: http://security.example.pe/debian-security
Suites: bookworm-security
Components: main

Types: deb
URIs: https://deb.example.org/debian
Suites: bookworm
Components: main contrib
SRC
expect security-first https://deb.example.org/debian 0

# One-line sources.list with options in brackets.
mkdir -p "$tmp/oneline"
cat > "$tmp/oneline/sources.list" <<'SRC'
# deb cdrom:[Debian GNU/Linux 12]/ bookworm main
deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://ftp.example.pe/debian bookworm main
deb http://security.debian.org/debian-security bookworm-security main
SRC
expect oneline http://ftp.example.pe/debian 0

# Nothing for bookworm (another release only): no guess.
mkdir -p "$tmp/none/sources.list.d"
printf 'Types: deb\nURIs: http://mirror.example.pe/debian\nSuites: trixie\nComponents: main\n' \
  > "$tmp/none/sources.list.d/debian.sources"
expect none "" 1

[ "$failures" -eq 0 ]
