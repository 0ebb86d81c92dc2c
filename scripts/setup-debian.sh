#!/usr/bin/env bash
# Installs the Debian 12 packages Chasqui needs to build and test, and only
# those that are missing. Safe to run again. Works as root or through sudo.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libsodium-dev
  # the programs' allocator (CMakeLists.txt, CHASQUI_JEMALLOC)
  libjemalloc-dev
  nlohmann-json3-dev libfmt-dev libcli11-dev
  doctest-dev librapidcheck-dev
  libcurl4-openssl-dev libcpp-httplib-dev libzstd-dev zlib1g-dev libssl-dev openssl
  # the central server on PostgreSQL 15 (libpq) behind nginx; the tests start a throwaway
  # cluster of their own (scripts/pg-test-cluster.sh)
  postgresql-15 postgresql-client-15 libpq-dev nginx
  # the kiosk window: Dear ImGui 1.86 (backends inside libimgui.a), GLFW, OpenGL, QR codes, fonts
  libimgui-dev libglfw3-dev libgl1-mesa-dev libqrencode-dev fonts-noto-core fonts-font-awesome
  # reading aloud, offline (voices for es-419, en-us, pt-br, ht)
  espeak-ng libespeak-ng-dev
  # headless end-to-end tests of the real window
  xvfb xdotool imagemagick x11-utils python3 curl
  # the libFuzzer target (scripts/fuzz.sh): clang 16 and its fuzzer runtime
  clang-16 libclang-rt-16-dev
  # format and lint checks (scripts/lint.sh)
  clang-format-16 clang-tidy-16
)

# SQLCipher 4.6 or newer (SQLite 3.46: UPSERT, RETURNING, JSON, FTS5). Debian 13
# has it in main; Debian 12 only in its official bookworm-backports suite.
sqlcipher_min=4.6
codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")

# Prints the installed version, or nothing. dpkg-query fails for a package dpkg has
# never seen (the usual case on a fresh machine), and under pipefail that failure
# would end the script at the first plain assignment.
installed_version() {
  { dpkg-query -W -f='${Status} ${Version}' "$1" 2>/dev/null || true; } | sed -n 's/^install ok installed //p'
}

missing=()
for p in "${packages[@]}"; do
  [ -n "$(installed_version "$p")" ] || missing+=("$p")
done
sqlcipher_version=$(installed_version libsqlcipher-dev)
need_sqlcipher=0
if [ -z "$sqlcipher_version" ] || dpkg --compare-versions "$sqlcipher_version" lt "$sqlcipher_min"; then
  need_sqlcipher=1
fi
if [ ${#missing[@]} -eq 0 ] && [ $need_sqlcipher -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  [ $need_sqlcipher -eq 1 ] && missing+=("libsqlcipher-dev (>= $sqlcipher_min, from bookworm-backports on Debian 12)")
  echo "setup: missing packages (${missing[*]}) and no root or sudo to install them." >&2
  echo "setup: ask an administrator to install them (scripts/setup-debian.sh does it as root)." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive

# Adds bookworm-backports with the mirror this machine's own apt sources name
# (deb822 .sources files or one-line sources.list), never a mirror of ours.
enable_bookworm_backports() {
  if grep -rqs -E '(^|[[:space:]])bookworm-backports([[:space:]]|$)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    return 0
  fi
  local mirror
  mirror=$("$(dirname "$0")/debian-mirror.sh" || true)
  if [ -z "$mirror" ]; then
    echo "setup: SQLCipher $sqlcipher_min needs Debian's bookworm-backports suite, and no apt source" >&2
    echo "setup: here names a bookworm mirror to take it from. Add one line to /etc/apt/sources.list:" >&2
    echo "setup:   deb <your Debian mirror> bookworm-backports main" >&2
    exit 1
  fi
  echo "setup: enabling bookworm-backports from $mirror (for SQLCipher $sqlcipher_min)"
  printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$mirror" | "${sudo[@]}" tee /etc/apt/sources.list.d/chasqui-bookworm-backports.sources >/dev/null
}

if [ $need_sqlcipher -eq 1 ] && [ "$codename" = bookworm ]; then
  enable_bookworm_backports
fi
"${sudo[@]}" apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ $need_sqlcipher -eq 1 ]; then
  echo "setup: installing SQLCipher $sqlcipher_min or newer (libsqlcipher-dev)"
  if [ "$codename" = bookworm ]; then
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends -t bookworm-backports libsqlcipher-dev
  else
    "${sudo[@]}" apt-get install -y -qq --no-install-recommends libsqlcipher-dev
  fi
  sqlcipher_version=$(installed_version libsqlcipher-dev)
  if [ -z "$sqlcipher_version" ] || dpkg --compare-versions "$sqlcipher_version" lt "$sqlcipher_min"; then
    echo "setup: libsqlcipher-dev ${sqlcipher_version:-not installed} is older than $sqlcipher_min; Chasqui needs $sqlcipher_min." >&2
    exit 1
  fi
fi
