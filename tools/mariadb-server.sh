#!/usr/bin/env bash
# Usage: tools/mariadb-server.sh start DIR [--profile test|production] | stop DIR | url DIR
#
# A throwaway MariaDB server for tests, with all state under DIR.
#   start DIR  create DIR if missing, initialise DIR/data on first use, start
#              mariadbd on 127.0.0.1 (and on ::1 when this host has an IPv6
#              loopback, for the IPv6 URL tests) with a free port, wait until
#              it answers, ensure database `cloud` and user cloud/cloud (ALL on
#              *.*, from 127.0.0.1, ::1 and localhost) exist, and print exactly
#              one line:
#                mysql://cloud@127.0.0.1:PORT/cloud
#              If the server in DIR already runs, just print its URL.
#     Both profiles add the [mysqld] lines of CloudStack's installation guide:
#     binary log in ROW format (in DIR/data: it grows with every run),
#     innodb_rollback_on_timeout, innodb_lock_wait_timeout=600,
#     max_connections=350.
#     --profile test        (default) small and fast: 64M buffer pool, no
#                           flush at commit, no doublewrite. For tests.
#     --profile production  configured as a CloudStack database server is:
#                           MariaDB's durable defaults (redo log flushed at
#                           every commit, doublewrite on) and a 2G buffer pool
#                           that holds the working set. For benchmarks.
#   stop DIR   stop the server whose PID is in DIR/pid and wait for it to exit
#              (nothing else is ever signalled); no-op if it is not running.
#              DIR and its data stay; remove DIR yourself.
#   url DIR    print the URL again.
# The password is not part of the URL: give it to clients as MYSQL_PWD=cloud
# (e.g. MYSQL_PWD=cloud mariadb -h127.0.0.1 -P"$PORT" -ucloud cloud).
# Files: DIR/pid, DIR/port, DIR/log (server log), DIR/sock, DIR/data.
# Installs the packages via tools/install-deps.sh --servers if mariadbd is
# missing. Progress and errors go to stderr.
set -euo pipefail

SCRIPT_NAME=mariadb-server
here=$(dirname -- "${BASH_SOURCE[0]}")
# shellcheck source=tools/lib-servers.sh
. "$here/lib-servers.sh"

usage() {
  usage_from_header "$0"
  exit 2
}

cmd=${1:-}
profile="test"
if (($# == 4)) && [[ "$cmd" == start && "$3" == --profile ]]; then
  profile=$4
  [[ "$profile" == test || "$profile" == production ]] ||
    die "unknown profile '$profile': expected test or production"
else
  (($# == 2)) || usage
fi
[[ -n "$2" ]] || usage

# 127.0.0.1, and ::1 too when the loopback interface has it (MariaDB >= 10.11 takes a list).
bind_addresses() {
  if grep -qs '^00000000000000000000000000000001 ' /proc/net/if_inet6; then
    echo "127.0.0.1,::1"
  else
    echo "127.0.0.1"
  fi
}

url_for() {
  echo "mysql://cloud@127.0.0.1:$1/cloud"
}

running_pid() {
  local pid
  pid=$(read_file "$dir/pid")
  if [[ -n "$pid" ]] && pid_is_ours "$pid" "--datadir=$dir/data"; then
    echo "$pid"
  fi
}

do_start() {
  local pid port t0 sql
  ensure_cmds mariadbd mariadb-install-db mariadb-admin mariadb
  pid=$(running_pid)
  if [[ -n "$pid" ]]; then
    note "already running (PID $pid)"
    url_for "$(read_file "$dir/port")"
    return 0
  fi
  # unix sockets are limited to 107 bytes
  ((${#dir} + 5 <= 107)) || die "DIR path too long for a unix socket: $dir"
  t0=$SECONDS
  rm -f "$dir/pid" "$dir/sock"
  if [[ ! -d "$dir/data/mysql" ]]; then
    rm -rf "$dir/data"
    if ! mariadb-install-db --no-defaults --user=root --datadir="$dir/data" \
      --auth-root-authentication-method=normal --skip-test-db \
      >"$dir/install.log" 2>&1; then
      show_log "$dir/install.log"
      die "mariadb-install-db failed"
    fi
  fi
  # keep the previous port (and URL) on a restart if it is still free
  # shellcheck disable=SC2046
  port=$(free_port $(read_file "$dir/port"))
  mkdir -p "$dir/tmp"
  # --no-defaults: ignore /etc/mysql; the charset matches Debian's defaults.
  # Both profiles carry the [mysqld] lines CloudStack's installation guide adds:
  # the binary log in ROW format, rollback on lock timeout, a 600 s lock wait,
  # 350 connections. The engine is tested as it runs there.
  local server_opts=(--log-bin="$dir/data/mysql-bin" --binlog-format=ROW --server-id=1
    --innodb-rollback-on-timeout=1 --innodb-lock-wait-timeout=600 --max-connections=350)
  if [[ "$profile" == production ]]; then
    # MariaDB's durable defaults, and a buffer pool that holds the working set.
    server_opts+=(--innodb-buffer-pool-size=2G --innodb-log-file-size=512M
      --innodb-flush-log-at-trx-commit=1 --innodb-doublewrite=1)
  else
    # Durability is traded for speed: this server is throwaway.
    server_opts+=(--innodb-buffer-pool-size=64M --innodb-log-file-size=32M
      --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0)
  fi
  note "profile $profile: ${server_opts[*]}"
  mariadbd --no-defaults --user=root --datadir="$dir/data" \
    --socket="$dir/sock" --port="$port" --bind-address="$(bind_addresses)" \
    --pid-file="$dir/mariadbd.pid" --tmpdir="$dir/tmp" \
    --skip-name-resolve \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
    "${server_opts[@]}" \
    </dev/null >>"$dir/log" 2>&1 &
  pid=$!
  echo "$pid" >"$dir/pid"
  echo "$port" >"$dir/port"
  if ! wait_until 30 "$pid" env -u MYSQL_PWD mariadb-admin --no-defaults --socket="$dir/sock" \
    -uroot --connect-timeout=1 ping; then
    show_log "$dir/log"
    stop_pid "$pid" 5 || true
    rm -f "$dir/pid"
    die "mariadbd did not become ready within 30 s"
  fi
  sql="CREATE DATABASE IF NOT EXISTS cloud;"
  for host in 127.0.0.1 ::1 localhost; do
    sql+="CREATE USER IF NOT EXISTS 'cloud'@'$host' IDENTIFIED BY 'cloud';"
    sql+="GRANT ALL PRIVILEGES ON *.* TO 'cloud'@'$host' WITH GRANT OPTION;"
  done
  if ! env -u MYSQL_PWD mariadb --no-defaults --socket="$dir/sock" -uroot -e "$sql" >&2; then
    stop_pid "$pid" || true
    rm -f "$dir/pid"
    die "could not create database/user"
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
  if pid_is_ours "$pid" "--datadir=$dir/data"; then
    stop_pid "$pid" 60 || die "could not stop PID $pid"
    note "stopped PID $pid"
  fi
  rm -f "$dir/pid"
}

do_url() {
  local port
  port=$(read_file "$dir/port")
  [[ -n "$port" && -d "$dir/data/mysql" ]] || die "no MariaDB server was started in $dir"
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
