#!/usr/bin/env bash
# Installs the Debian 12 packages Chasqui needs to build and test, and only
# those that are missing. Safe to run again. Works as root or through sudo.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libsqlcipher-dev libsodium-dev
  nlohmann-json3-dev libfmt-dev libcli11-dev
  doctest-dev librapidcheck-dev
  libcurl4-openssl-dev libcpp-httplib-dev libzstd-dev zlib1g-dev libssl-dev openssl
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

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "setup: missing packages (${missing[*]}) and no root or sudo to install them." >&2
  echo "setup: ask an administrator to run: apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
