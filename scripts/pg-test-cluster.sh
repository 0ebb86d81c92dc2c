#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the test suites (issue 13).
#   scripts/pg-test-cluster.sh start DIR   initdb into DIR, start, create database chasqui, print its URL
#   scripts/pg-test-cluster.sh url DIR     print the URL again
#   scripts/pg-test-cluster.sh stop DIR    stop the cluster and remove DIR
# It listens on 127.0.0.1 only, on a free port, and on a Unix socket inside
# DIR; loopback connections are trusted (no password): it is for tests on
# one machine, never for data. PostgreSQL refuses to run as root, so as root
# (CI) the cluster runs as the `postgres` user (Debian's postgresql-15
# package creates it) and DIR is handed to that user; as anyone else it runs
# as the caller.
#   url=$(scripts/pg-test-cluster.sh start /tmp/pg) && CHASQUI_TEST_PG_URL=$url ctest -L pg
set -euo pipefail

bin=${CHASQUI_PG_BIN:-/usr/lib/postgresql/15/bin}
user=chasqui
usage() {
  echo "usage: $0 start DIR | url DIR | stop DIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
cmd=$1
dir=$2

run_as=()
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "pg-test-cluster: running as root needs the 'postgres' user (install postgresql-15)" >&2
    exit 1
  fi
  run_as=(runuser -u postgres --)
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  if [ ! -x "$bin/initdb" ]; then
    echo "pg-test-cluster: $bin/initdb not found (install postgresql-15)" >&2
    exit 1
  fi
  if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
    echo "pg-test-cluster: $dir exists and is not empty" >&2
    exit 1
  fi
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  chmod 700 "$dir"
  if [ ${#run_as[@]} -gt 0 ]; then
    chown postgres: "$dir"
    if ! "${run_as[@]}" test -w "$dir"; then
      echo "pg-test-cluster: the postgres user cannot reach $dir (a parent directory is closed to it); use a" >&2
      echo "pg-test-cluster: directory under /tmp, e.g. \$(mktemp -d)" >&2
      exit 1
    fi
  fi
  "${run_as[@]}" "$bin/initdb" -D "$dir/data" -U "$user" --auth=trust --encoding=UTF8 --no-locale \
    --no-instructions >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
  # Loopback and the socket only; nothing for other hosts.
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' | "${run_as[@]}" tee "$dir/data/pg_hba.conf" >/dev/null
  local port attempt
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    if "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$dir' -c max_connections=200" \
      >/dev/null 2>&1; then
      break
    fi
    port=
  done
  if [ -z "$port" ]; then
    echo "pg-test-cluster: PostgreSQL did not start; its log:" >&2
    cat "$dir/server.log" >&2 || true
    exit 1
  fi
  "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$user" chasqui
  echo "postgresql://$user@127.0.0.1:$port/chasqui" | "${run_as[@]}" tee "$dir/url" >/dev/null
  cat "$dir/url"
}

stop() {
  [ -d "$dir" ] || return 0
  # Removes only what `start` made (a mistyped DIR must not be wiped).
  if [ ! -f "$dir/url" ] && [ ! -f "$dir/initdb.log" ] && [ ! -f "$dir/data/PG_VERSION" ]; then
    if rmdir "$dir" 2>/dev/null; then return 0; fi
    echo "pg-test-cluster: $dir does not hold a cluster made by this script; left as it is" >&2
    exit 1
  fi
  if [ -f "$dir/data/postmaster.pid" ]; then
    "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  fi
  rm -rf "$dir"
}

case "$cmd" in
  start) start ;;
  url)
    if [ ! -f "$dir/url" ]; then
      echo "pg-test-cluster: no cluster in $dir" >&2
      exit 1
    fi
    cat "$dir/url"
    ;;
  stop) stop ;;
  *) usage ;;
esac
