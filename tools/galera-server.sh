#!/usr/bin/env bash
# Usage: tools/galera-server.sh start DIR | stop DIR | urls DIR
#                               | kill-node DIR N | start-node DIR N
#
# A throwaway 3-node MariaDB Galera cluster (Debian galera-4) on 127.0.0.1 for
# tests, with all state under DIR (node N in DIR/nodeN, N = 1..3).
#   start DIR       create DIR if missing, pick free ports (per node: client,
#                   group communication, IST and SST), bootstrap node 1
#                   (--wsrep-new-cluster) with database `cloud` and user
#                   cloud/cloud (ALL on *.*), join nodes 2 and 3 (seeded with
#                   a copy of node 1's data, so no state snapshot), wait until wsrep_cluster_size=3 and
#                   every node is Synced, and print the three URLs, one line
#                   per node:
#                     mysql://cloud@127.0.0.1:PORT/cloud
#                   Nodes already running are kept; a stopped cluster is
#                   bootstrapped again from node 1's data.
#   stop DIR        stop every node whose PID is in DIR/nodeN/pid (nodes 3, 2,
#                   then 1) and wait for them to exit; DIR and its data stay.
#   urls DIR        print the three URLs again.
#   kill-node DIR N send SIGKILL to node N (a crash: nothing is flushed) and
#                   wait until the other two see a cluster of 2.
#   start-node DIR N start node N again from the position InnoDB recovers
#                   (--wsrep-recover); it rejoins by incremental state transfer
#                   and the command returns when the cluster is 3 nodes, all
#                   Synced.
# Settings Galera needs: binlog_format=ROW, innodb_autoinc_lock_mode=2,
# wsrep_provider=/usr/lib/galera/libgalera_smm.so; state transfers use
# wsrep_sst_method=mysqldump as user cloud (an IST's hand-over goes that way too);
# the rest as tools/mariadb-server.sh's test profile (CloudStack's [mysqld]
# lines, a 64M buffer pool, no flush at commit). Galera's write-set limits
# keep their defaults (wsrep_max_ws_rows=0, wsrep_max_ws_size=2G).
# The password is not part of the URL: give it to clients as MYSQL_PWD=cloud.
# Files: DIR/nodeN/{pid,port,ports,log,sock,my.cnf,data}. Progress and errors
# go to stderr; a failure shows the tail of the logs involved.
set -euo pipefail

SCRIPT_NAME=galera-server
here=$(dirname -- "${BASH_SOURCE[0]}")
# shellcheck source=tools/lib-servers.sh
. "$here/lib-servers.sh"

PROVIDER=/usr/lib/galera/libgalera_smm.so
NODES=(1 2 3)
READY_TIMEOUT=90

usage() {
  usage_from_header "$0"
  exit 2
}

cmd=${1:-}
case "$cmd" in
  start | stop | urls) (($# == 2)) || usage ;;
  kill-node | start-node)
    (($# == 3)) || usage
    [[ "$3" =~ ^[123]$ ]] || die "node must be 1, 2 or 3, not '$3'"
    ;;
  *) usage ;;
esac
[[ -n "$2" ]] || usage

url_for() {
  echo "mysql://cloud@127.0.0.1:$1/cloud"
}

node_dir() {
  echo "$dir/node$1"
}

running_pid() {
  local pid nd
  nd=$(node_dir "$1")
  pid=$(read_file "$nd/pid")
  if [[ -n "$pid" ]] && pid_is_ours "$pid" "--defaults-file=$nd/my.cnf"; then
    echo "$pid"
  fi
}

# root_sql N SQL: run SQL as root on node N's socket, print tab-separated rows.
root_sql() {
  env -u MYSQL_PWD mariadb --no-defaults --socket="$(node_dir "$1")/sock" -uroot \
    --connect-timeout=2 -N -B -e "$2"
}

# node_synced N SIZE: true when node N is Synced in a primary cluster of SIZE nodes.
node_synced() {
  local out
  out=$(root_sql "$1" "SHOW STATUS WHERE Variable_name IN ('wsrep_cluster_size',
    'wsrep_local_state_comment', 'wsrep_cluster_status', 'wsrep_ready')" 2>/dev/null) || return 1
  grep -qx $'wsrep_cluster_size\t'"$2" <<<"$out" &&
    grep -qx $'wsrep_local_state_comment\tSynced' <<<"$out" &&
    grep -qx $'wsrep_cluster_status\tPrimary' <<<"$out" &&
    grep -qx $'wsrep_ready\tON' <<<"$out"
}

all_logs() {
  local n
  for n in "${NODES[@]}"; do echo "$(node_dir "$n")/log"; done
}

# Picks the 9 ports once (kept in DIR/nodeN/ports: client gcomm ist) and
# writes each node's my.cnf.
configure() {
  local n nd i ports=() gcomm=()
  if [[ ! -f "$dir/node1/ports" ]]; then
    mapfile -t ports < <(free_ports 9)
    ((${#ports[@]} == 9)) || die "could not find 9 free ports"
    for n in "${NODES[@]}"; do
      i=$(((n - 1) * 3))
      mkdir -p "$(node_dir "$n")"
      echo "${ports[*]:i:3}" >"$(node_dir "$n")/ports"
    done
  fi
  for n in "${NODES[@]}"; do
    read -r -a ports <"$(node_dir "$n")/ports"
    gcomm+=("127.0.0.1:${ports[1]}")
  done
  local address
  address=$(IFS=,; echo "gcomm://${gcomm[*]}")
  for n in "${NODES[@]}"; do
    nd=$(node_dir "$n")
    read -r -a ports <"$nd/ports"
    # unix sockets are limited to 107 bytes
    ((${#nd} + 5 <= 107)) || die "DIR path too long for a unix socket: $nd"
    mkdir -p "$nd/tmp"
    echo "${ports[0]}" >"$nd/port"
    cat >"$nd/my.cnf" <<EOF
[mysqld]
user=root
datadir=$nd/data
socket=$nd/sock
port=${ports[0]}
bind-address=127.0.0.1
pid-file=$nd/mariadbd.pid
tmpdir=$nd/tmp
skip-name-resolve
character-set-server=utf8mb4
collation-server=utf8mb4_general_ci
log-bin=$nd/data/mysql-bin
binlog-format=ROW
server-id=$n
innodb-rollback-on-timeout=1
innodb-lock-wait-timeout=600
max-connections=350
innodb-buffer-pool-size=64M
innodb-log-file-size=32M
innodb-flush-log-at-trx-commit=0
innodb-doublewrite=0
innodb-autoinc-lock-mode=2
default-storage-engine=InnoDB
wsrep-on=ON
wsrep-provider=$PROVIDER
wsrep-cluster-name=csmigrate-test
wsrep-cluster-address=$address
wsrep-node-name=node$n
wsrep-node-address=127.0.0.1:${ports[1]}
wsrep-node-incoming-address=127.0.0.1:${ports[0]}
wsrep-sst-method=mysqldump
wsrep-sst-auth=cloud:cloud
wsrep-sst-receive-address=127.0.0.1:${ports[0]}
wsrep-provider-options=gmcast.listen_addr=tcp://127.0.0.1:${ports[1]};ist.recv_addr=127.0.0.1:${ports[2]};gcache.size=128M;evs.suspect_timeout=PT3S;evs.inactive_timeout=PT6S;evs.inactive_check_period=PT1S;evs.keepalive_period=PT1S;evs.install_timeout=PT6S
EOF
  done
}

# launch N [--wsrep-new-cluster]: start node N's mariadbd in the background.
launch() {
  local n=$1 nd pid
  shift
  nd=$(node_dir "$n")
  rm -f "$nd/sock"
  mariadbd --defaults-file="$nd/my.cnf" "$@" </dev/null >>"$nd/log" 2>&1 &
  pid=$!
  echo "$pid" >"$nd/pid"
  note "node $n starting (PID $pid, port $(read_file "$nd/port"))"
}

# wait_synced N SIZE: wait until node N is Synced in a cluster of SIZE.
wait_synced() {
  local n=$1 size=$2 pid
  pid=$(read_file "$(node_dir "$n")/pid")
  if ! wait_until "$READY_TIMEOUT" "$pid" node_synced "$n" "$size"; then
    # shellcheck disable=SC2046
    show_log $(all_logs)
    die "node $n did not become Synced in a cluster of $size within $READY_TIMEOUT s"
  fi
}

print_urls() {
  local n
  for n in "${NODES[@]}"; do
    url_for "$(read_file "$(node_dir "$n")/port")"
  done
}

# Creates node 1's data (database `cloud`, user cloud/cloud) in a one-node
# cluster, stops it cleanly and copies that data to nodes 2 and 3: all three
# then share the cluster's state and join without a state snapshot transfer
# (a full mysqldump SST is slow; rsync SST cannot run as root, its rsync daemon
# drops to user nobody, which cannot enter a mktemp directory).
seed_data() {
  local n nd1 sql pid
  nd1=$(node_dir 1)
  rm -rf "$nd1/data"
  if ! mariadb-install-db --no-defaults --user=root --datadir="$nd1/data" \
    --auth-root-authentication-method=normal --skip-test-db \
    >"$nd1/install.log" 2>&1; then
    show_log "$nd1/install.log"
    die "mariadb-install-db failed"
  fi
  launch 1 --wsrep-new-cluster
  wait_synced 1 1
  sql="CREATE DATABASE IF NOT EXISTS cloud;"
  for host in 127.0.0.1 localhost; do
    sql+="CREATE USER IF NOT EXISTS 'cloud'@'$host' IDENTIFIED BY 'cloud';"
    sql+="GRANT ALL PRIVILEGES ON *.* TO 'cloud'@'$host' WITH GRANT OPTION;"
  done
  root_sql 1 "$sql" >&2 || die "could not create database/user on node 1"
  pid=$(read_file "$nd1/pid")
  stop_pid "$pid" 60 || die "could not stop node 1 (PID $pid)"
  rm -f "$nd1/pid"
  for n in 2 3; do
    rm -rf "$(node_dir "$n")/data"
    cp -a "$nd1/data" "$(node_dir "$n")/data"
    # gvwstate.dat names node 1's identity in the last view; the cache is node 1's.
    rm -f "$(node_dir "$n")/data/gvwstate.dat" "$(node_dir "$n")/data/galera.cache"
  done
}

# start_position N: after a crash grastate.dat holds seqno -1; recover the
# last committed position from InnoDB (as galera_recovery does) and print the
# --wsrep-start-position option, so that the node rejoins by IST.
start_position() {
  local nd pos
  nd=$(node_dir "$1")
  grep -qs '^seqno: *-1' "$nd/data/grastate.dat" || return 0
  mariadbd --defaults-file="$nd/my.cnf" --wsrep-recover --log-error="$nd/recover.log" \
    </dev/null >/dev/null 2>&1 || true
  pos=$(sed -n 's/.*WSREP: Recovered position: *\([^ ]*\).*/\1/p' "$nd/recover.log" | tail -n 1)
  [[ -n "$pos" ]] || { show_log "$nd/recover.log"; die "node $1: no position recovered"; }
  echo "--wsrep-start-position=$pos"
}

do_start() {
  local t0=$SECONDS n sql running=0
  ensure_cmds mariadbd mariadb-install-db mariadb mariadb-dump
  [[ -f "$PROVIDER" ]] || "$here/install-deps.sh" --servers >&2
  [[ -f "$PROVIDER" ]] || die "$PROVIDER not found (Debian package galera-4)"
  configure
  for n in "${NODES[@]}"; do
    [[ -n "$(running_pid "$n")" ]] && running=$((running + 1))
  done
  if ((running == 0)); then
    [[ -d "$(node_dir 1)/data/mysql" ]] || seed_data
    # Node 1 founds the cluster again, whichever node stopped last.
    sed -i 's/^safe_to_bootstrap:.*/safe_to_bootstrap: 1/' "$(node_dir 1)/data/grastate.dat"
    launch 1 --wsrep-new-cluster
    wait_synced 1 1
  fi
  # Joiners start one at a time: each takes its state from a donor.
  local size
  size=$running
  ((size == 0)) && size=1
  for n in 2 3 1; do
    if [[ -z "$(running_pid "$n")" ]]; then
      # shellcheck disable=SC2046
      launch "$n" $(start_position "$n")
      size=$((size + 1))
      wait_synced "$n" "$size"
    fi
  done
  for n in "${NODES[@]}"; do wait_synced "$n" 3; done
  note "3 nodes Synced after $((SECONDS - t0)) s"
  print_urls
}

do_stop() {
  local n pid nd
  for n in 3 2 1; do
    nd=$(node_dir "$n")
    pid=$(read_file "$nd/pid")
    [[ -n "$pid" ]] || continue
    if pid_is_ours "$pid" "--defaults-file=$nd/my.cnf"; then
      stop_pid "$pid" 60 || die "could not stop node $n (PID $pid)"
      note "stopped node $n (PID $pid)"
    fi
    rm -f "$nd/pid"
  done
}

do_kill_node() {
  local n=$1 pid m
  pid=$(running_pid "$n")
  [[ -n "$pid" ]] || die "node $n is not running"
  stop_pid "$pid" 5 KILL || die "could not kill node $n (PID $pid)"
  rm -f "$(node_dir "$n")/pid"
  note "killed node $n (PID $pid)"
  for m in "${NODES[@]}"; do
    if ((m != n)) && [[ -n "$(running_pid "$m")" ]]; then
      wait_synced "$m" 2
    fi
  done
}

do_start_node() {
  local n=$1 m
  [[ -z "$(running_pid "$n")" ]] || die "node $n is already running"
  [[ -f "$(node_dir "$n")/my.cnf" ]] || die "no Galera cluster was started in $dir"
  # shellcheck disable=SC2046
  launch "$n" $(start_position "$n")
  for m in "${NODES[@]}"; do wait_synced "$m" 3; done
  note "node $n rejoined"
}

case "$cmd" in
  start) dir=$(abspath "$2"); do_start ;;
  stop)
    [[ -d "$2" ]] || exit 0
    dir=$(abspath "$2"); do_stop ;;
  urls)
    [[ -f "$2/node1/port" ]] || die "no Galera cluster was started in $2"
    dir=$(abspath "$2"); print_urls ;;
  kill-node) dir=$(abspath "$2"); do_kill_node "$3" ;;
  start-node) dir=$(abspath "$2"); do_start_node "$3" ;;
esac
