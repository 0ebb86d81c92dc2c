#!/usr/bin/env bash
# The main job: install what is missing, build, create a demo data directory
# (DEMO people and the demo service catalog) and show what is in it.
# Demo credentials: login demo.admin, PIN 24681357 (kept in demo-data/admin.pin).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup-debian.sh
build_dir=$(scripts/build.sh | tail -n 1)
data=${CHASQUI_DEMO_DATA:-demo-data/kiosk}
pin_file=demo-data/admin.pin
mkdir -p demo-data
chmod 700 demo-data
if [ ! -f "$pin_file" ]; then
  (umask 077; echo 24681357 > "$pin_file")
fi
if [ ! -f "$data/keyring.json" ]; then
  "$build_dir/bin/chasqui" demo --data "$data" --pin-file "$pin_file" --persons "${CHASQUI_DEMO_PERSONS:-500}"
fi
"$build_dir/bin/chasqui" status --data "$data" --pin-file "$pin_file"
echo
echo "Demo data directory: $data   (administrator login: demo.admin, PIN in $pin_file)"
echo "Try: $build_dir/bin/chasqui search --data $data --pin-file $pin_file gonz"
