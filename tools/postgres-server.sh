#!/usr/bin/env bash
# Usage: tools/postgres-server.sh start DIR | stop DIR | url DIR
#
# A throwaway PostgreSQL 15 server for tests, with all state under DIR.
#   start DIR  create DIR if missing, initdb DIR/data on first use, start the
#              server on 127.0.0.1 with a free port (unix socket in DIR), wait
#              until it answers, ensure role cloud (LOGIN SUPERUSER, password
#              cloud) and database `cloud` owned by it exist, and print exactly
#              one line:
#                postgresql://cloud@127.0.0.1:PORT/cloud
#              If the server in DIR already runs, just print its URL.
#   stop DIR   fast-shutdown (SIGINT) the postmaster whose PID is in DIR/pid
#              and wait for it to exit (nothing else is ever signalled); no-op
#              if it is not running. DIR stays; remove it yourself.
#   url DIR    print the URL again.
# The password is not part of the URL: give it to clients as PGPASSWORD=cloud
# (e.g. PGPASSWORD=cloud psql "$URL" -c 'select 1'). TCP connections need a
# password (scram-sha-256); unix-socket connections in DIR are trusted.
# As root the server runs as user postgres: DIR is chowned to postgres and
# DIR's ancestors are given search permission (o+x) if they lack it.
# Files: DIR/pid, DIR/port, DIR/log, DIR/data. Installs the packages via
# tools/install-deps.sh --servers if PostgreSQL 15 is missing. Progress and
# errors go to stderr.
set -euo pipefail

SCRIPT_NAME=postgres-server
here=$(dirname -- "${BASH_SOURCE[0]}")
# shellcheck source=tools/lib-servers.sh
. "$here/lib-servers.sh"

PGBIN=/usr/lib/postgresql/15/bin

usage() {
  usage_from_header "$0"
  exit 2
}

(($# == 2)) || usage
cmd=$1
[[ -n "$2" ]] || usage

url_for() {
  echo "postgresql://cloud@127.0.0.1:$1/cloud"
}

# as_pg CMD...: run CMD as the server's owner, from inside DIR.
as_pg() {
  if ((EUID == 0)); then
    (cd -- "$dir" && runuser -u postgres -- "$@")
  else
    (cd -- "$dir" && "$@")
  fi
}

running_pid() {
  local pid
  pid=$(read_file "$dir/pid")
  if [[ -n "$pid" ]] && pid_is_ours "$pid" -D "$dir/data"; then
    echo "$pid"
  fi
}

# As root, let user postgres reach DIR: own it, and make sure every ancestor
# is searchable (mktemp -d makes 0700 directories).
prepare_dir_for_postgres() {
  local d
  ((EUID == 0)) || return 0
  chown postgres: "$dir"
  chmod 0700 "$dir"
  d=$(dirname -- "$dir")
  while [[ "$d" != / ]]; do
    if ! runuser -u postgres -- test -x "$d"; then
      note "granting search permission (o+x) on $d for user postgres"
      chmod o+x "$d"
    fi
    d=$(dirname -- "$d")
  done
}

do_start() {
  local pid port t0 sql
  ensure_cmds "$PGBIN/postgres" "$PGBIN/initdb" "$PGBIN/pg_ctl" "$PGBIN/psql" runuser
  pid=$(running_pid)
  if [[ -n "$pid" ]]; then
    note "already running (PID $pid)"
    url_for "$(read_file "$dir/port")"
    return 0
  fi
  t0=$SECONDS
  # keep the previous port (and URL) on a restart if it is still free
  # shellcheck disable=SC2046
  port=$(free_port $(read_file "$dir/port"))
  # unix socket DIR/.s.PGSQL.PORT: at most 107 bytes
  ((${#dir} + 12 + ${#port} <= 107)) || die "DIR path too long for a unix socket: $dir"
  prepare_dir_for_postgres
  rm -f "$dir/pid"
  if [[ ! -f "$dir/data/PG_VERSION" ]]; then
    rm -rf "$dir/data"
    if ! as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 --no-sync \
      >"$dir/initdb.log" 2>&1; then
      show_log "$dir/initdb.log"
      die "initdb failed"
    fi
  fi
  # fsync etc. off: this server is throwaway.
  if ! as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null 2>&1; then
    show_log "$dir/log"
    pid=$(read_file "$dir/data/postmaster.pid")
    if [[ -n "$pid" ]] && pid_is_ours "$pid" -D "$dir/data"; then
      stop_pid "$pid" 10 INT || true
    fi
    die "postgres did not start"
  fi
  pid=$(read_file "$dir/data/postmaster.pid")
  if [[ -z "$pid" ]] || ! pid_is_ours "$pid" -D "$dir/data"; then
    die "no postmaster PID in $dir/data/postmaster.pid"
  fi
  echo "$pid" >"$dir/pid"
  echo "$port" >"$dir/port"
  sql="DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cloud') THEN
    CREATE ROLE cloud LOGIN SUPERUSER PASSWORD 'cloud';
  END IF;
END \$\$;
SELECT 'CREATE DATABASE cloud OWNER cloud'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'cloud') \\gexec"
  if ! as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres \
    -d postgres <<<"$sql" >&2; then
    stop_pid "$pid" 20 INT || true
    rm -f "$dir/pid"
    die "could not create role/database"
  fi
  note "ready on port $port (PID $pid) after $((SECONDS - t0)) s"
  url_for "$port"
}

do_stop() {
  local pid
  pid=$(read_file "$dir/pid")
  if [[ -z "$pid" ]]; then
    return 0
  fi
  if pid_is_ours "$pid" -D "$dir/data"; then
    # SIGINT = fast shutdown (SIGTERM would wait for every client to leave)
    stop_pid "$pid" 60 INT || die "could not stop PID $pid"
    note "stopped PID $pid"
  fi
  rm -f "$dir/pid"
}

do_url() {
  local port
  port=$(read_file "$dir/port")
  [[ -n "$port" && -f "$dir/data/PG_VERSION" ]] || die "no PostgreSQL server was started in $dir"
  url_for "$port"
}

case "$cmd" in
  start) dir=$(abspath "$2"); do_start ;;
  stop)
    [[ -d "$2" ]] || exit 0
    dir=$(abspath "$2"); do_stop ;;
  url) [[ -d "$2" ]] || die "no such directory: $2"; dir=$(abspath "$2"); do_url ;;
  *) usage ;;
esac
