#!/usr/bin/env bash
# Usage: tools/replay-fixtures.sh [mysql|postgresql|sqlite] [FIXTURE_DIR...]
#
# QA: replays every fixture (or the ones named) with `csmigrate fixture replay` against a
# throwaway server started here (MariaDB by default; PostgreSQL; or SQLite files), each in a fresh
# database, and prints PASS/FAIL with a readable diff per fixture. Exits 1 if any fixture fails.
# Needs a build (tools/build.sh); installs and stops the server itself.
set -euo pipefail
cd "$(dirname "$0")/.."
backend=${1:-mysql}
shift || true
fixtures=("$@")
if ((${#fixtures[@]} == 0)); then
  mapfile -t fixtures < <(find fixtures -mindepth 2 -name fixture.yaml -printf '%h\n' | sort)
fi
csm=./build/engine/csmigrate
[[ -x $csm ]] || bash tools/build.sh build
export CSM_DATA_DIR=$PWD
work=$(mktemp -d /tmp/csm-replay.XXXXXX)
cleanup() {
  case $backend in
    mysql) bash tools/mariadb-server.sh stop "$work/server" >/dev/null 2>&1 || true ;;
    postgresql) bash tools/postgres-server.sh stop "$work/server" >/dev/null 2>&1 || true ;;
  esac
  rm -rf "$work"
}
trap cleanup EXIT

case $backend in
  mysql)
    export MYSQL_PWD=cloud
    url=$(bash tools/mariadb-server.sh start "$work/server")
    port=$(cat "$work/server/port")
    fresh() { mariadb --no-defaults -h127.0.0.1 -P"$port" -ucloud -e "DROP DATABASE IF EXISTS $1; CREATE DATABASE $1"; echo "${url%/*}/$1"; }
    ;;
  postgresql)
    export PGPASSWORD=cloud
    url=$(bash tools/postgres-server.sh start "$work/server")
    port=$(cat "$work/server/port")
    fresh() { psql -q -h127.0.0.1 -p"$port" -Ucloud cloud -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null; echo "${url%/*}/$1"; }
    ;;
  sqlite)
    fresh() { echo "sqlite://$work/$1.db"; }
    ;;
  *) echo "replay-fixtures: unknown backend '$backend' (mysql, postgresql or sqlite)" >&2; exit 2 ;;
esac

failed=0 passed=0
for dir in "${fixtures[@]}"; do
  name=$(basename "$dir" | tr -c 'a-z0-9\n' '_')
  if "$csm" fixture replay "$dir" --db "$(fresh "r_$name")" 2>"$work/err"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    cat "$work/err" >&2
  fi
done
echo "$passed passed, $failed failed"
((failed == 0))
