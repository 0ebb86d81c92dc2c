#!/usr/bin/env bash
# Prints the Debian mirror that this machine's apt sources already use for
# bookworm (the first one found), so that setup-debian.sh can add
# bookworm-backports from the same mirror instead of one written here.
# Reads deb822 files (*.sources) and one-line lists (sources.list, *.list).
# Usage: debian-mirror.sh [APT_DIR]   (default /etc/apt); exit 1 when none.
set -euo pipefail
apt_dir=${1:-/etc/apt}
for f in "$apt_dir"/sources.list.d/*.sources; do
  [ -f "$f" ] || continue
  # deb822 paragraphs: the URIs of the first paragraph whose Suites name bookworm.
  mirror=$(awk 'BEGIN { RS = "" } {
      uris = ""; bookworm = 0
      n = split($0, lines, "\n")
      for (i = 1; i <= n; i++) {
        if (lines[i] ~ /^URIs:/) { split(lines[i], w, " "); uris = w[2] }
        if (lines[i] ~ /^Suites:/ && lines[i] ~ /[ \t]bookworm([ \t]|$)/) bookworm = 1
      }
      if (bookworm && uris != "") { print uris; exit }
    }' "$f")
  if [ -n "$mirror" ]; then
    echo "$mirror"
    exit 0
  fi
done
for f in "$apt_dir"/sources.list "$apt_dir"/sources.list.d/*.list; do
  [ -f "$f" ] || continue
  # "deb [options] URI bookworm components": the URI is the word with "://".
  mirror=$(awk '$1 == "deb" { for (i = 2; i < NF; i++) if ($i ~ /:\/\// && $(i + 1) == "bookworm") { print $i; exit } }' "$f")
  if [ -n "$mirror" ]; then
    echo "$mirror"
    exit 0
  fi
done
exit 1
