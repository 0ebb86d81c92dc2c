#!/usr/bin/env bash
# CTest's PostgreSQL fixture: one throwaway cluster (scripts/pg-test-cluster.sh)
# for the suites that run against PostgreSQL, kept in /tmp under a name taken
# from the build directory (the postgres user must reach it when CTest runs
# as root, and two build trees must not share one).
#   pg_fixture.sh start BUILD_DIR
#   pg_fixture.sh run BUILD_DIR COMMAND...   COMMAND with CHASQUI_TEST_PG_URL set
#   pg_fixture.sh stop BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -ge 2 ] || { echo "usage: $0 start|run|stop BUILD_DIR [COMMAND...]" >&2; exit 2; }
cmd=$1
build=$(cd "$2" && pwd)
shift 2
dir=/tmp/chasqui-pg-$(printf '%s' "$build" | sha256sum | cut -c1-12)
case "$cmd" in
  start)
    # A cluster left by a run that was killed is stopped first.
    "$here/scripts/pg-test-cluster.sh" stop "$dir" >/dev/null 2>&1 || true
    "$here/scripts/pg-test-cluster.sh" start "$dir"
    ;;
  run)
    url=$("$here/scripts/pg-test-cluster.sh" url "$dir")
    CHASQUI_TEST_PG_URL=$url exec "$@"
    ;;
  stop) "$here/scripts/pg-test-cluster.sh" stop "$dir" ;;
  *) echo "usage: $0 start|run|stop BUILD_DIR [COMMAND...]" >&2; exit 2 ;;
esac
