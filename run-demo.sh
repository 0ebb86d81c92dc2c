#!/usr/bin/env bash
# The main job: install what is missing, build everything, seed a demo data
# directory, start a local chasqui-server on loopback, enroll the kiosk with it
# and open the kiosk window. Everything in demo-data/ is fictitious.
#   CHASQUI_DEMO_PORT     server port on 127.0.0.1 (default 8787)
#   CHASQUI_DEMO_PERSONS  demo people to generate on the first run (default 500)
#   CHASQUI_DEMO_NO_WINDOW=1  prepare everything but do not open the window
# Extra arguments go to chasqui-kiosk (for example --fullscreen).
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup-debian.sh
build_dir=$(scripts/build.sh | tail -n 1)
bin="$build_dir/bin"
port=${CHASQUI_DEMO_PORT:-8787}
url="http://127.0.0.1:$port"
data=${CHASQUI_DEMO_DATA:-demo-data/kiosk}
server_data=demo-data/server

mkdir -p demo-data
chmod 700 demo-data
make_pin() {  # demo PINs only; real PINs are chosen by each person
  [ -f "$1" ] || (umask 077; echo "$2" > "$1")
}
make_pin demo-data/admin.pin 24681357
make_pin demo-data/staff.pin 13572468
make_pin demo-data/supervisor.pin 97531864

if [ ! -d "$server_data" ]; then
  "$bin/chasqui-server" catalog import assets/catalog/demo_catalog.json --data "$server_data"
fi
"$bin/chasqui-server" --data "$server_data" --listen "127.0.0.1:$port" > demo-data/server.log 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null || true; wait $server_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "$url/v1/health" >/dev/null 2>&1 && break
  kill -0 $server_pid 2>/dev/null || { echo "chasqui-server did not start; see demo-data/server.log" >&2; exit 1; }
  sleep 0.1
done

if [ ! -f "$data/keyring.json" ]; then
  # Enroll before registering anyone, so case codes carry this kiosk's device number.
  "$bin/chasqui" init --data "$data" --office TUM --office-name "PAO Tumbes" --admin-name "Demo Admin" \
    --admin-login demo.admin --pin-file demo-data/admin.pin
  code=$("$bin/chasqui-server" enroll-code --data "$server_data" --office TUM | tail -n 1)
  "$bin/chasqui" enroll --data "$data" --pin-file demo-data/admin.pin --server "$url" --code "$code"
  "$bin/chasqui" staff add --data "$data" --pin-file demo-data/admin.pin --name "Luis Ramos" --login luis.ramos \
    --role staff --new-pin-file demo-data/staff.pin
  "$bin/chasqui" staff add --data "$data" --pin-file demo-data/admin.pin --name "Rosa Quispe" --login rosa.quispe \
    --role supervisor --new-pin-file demo-data/supervisor.pin
  "$bin/chasqui" demo --data "$data" --pin-file demo-data/admin.pin --persons "${CHASQUI_DEMO_PERSONS:-500}"
fi
"$bin/chasqui" status --data "$data" --pin-file demo-data/admin.pin

cat <<INFO

Demo kiosk: $data   server: $url (log: demo-data/server.log)
  staff member   login luis.ramos    PIN 13572468
  supervisor     login rosa.quispe   PIN 97531864
  administrator  login demo.admin    PIN 24681357
All people in the demo data are fictitious.
INFO

if [ "${CHASQUI_DEMO_NO_WINDOW:-0}" = 1 ]; then
  exit 0
fi
if [ -z "${DISPLAY:-}" ]; then
  echo "No display (DISPLAY is not set). On a headless machine: Xvfb :99 & DISPLAY=:99 $0" >&2
  exit 1
fi
"$bin/chasqui-kiosk" --data "$data" --server "$url" "$@"
