#!/usr/bin/env bash
# Usage: tools/swift-server.sh start DIR | stop DIR | url DIR
#
# A throwaway OpenStack Swift all-in-one (Swift API + S3 API) for tests, with
# all state under DIR: memcached, account, container, object and proxy
# servers (one process each, workers=0) on 127.0.0.1 with free ports, rings
# with one replica on one device.
#   start DIR  create DIR if missing, write the configs and rings, start the
#              five processes, wait until authentication works, and print
#              exactly one line, the proxy:
#                http://127.0.0.1:PORT
#              If the proxy in DIR already runs, just print its URL.
#   stop DIR   stop exactly the PIDs recorded in DIR/pids (proxy first) and
#              wait for them to exit, then unmount the tmpfs at DIR/srv (its
#              objects are lost). No-op if nothing runs. DIR stays.
#   url DIR    print the URL again.
# Clients:
#   Swift API: GET URL/auth/v1.0 with X-Auth-User: test:tester and
#              X-Auth-Key: testing -> X-Auth-Token, X-Storage-Url.
#   S3 API:    same URL, access key test:tester, secret key testing,
#              region us-east-1, path-style addressing, SigV4.
# Files: DIR/pids (one PID per line: memcached account container object
# proxy), DIR/port (proxy port), DIR/ports, DIR/etc (configs, rings),
# DIR/srv/node/d1 (the device), DIR/log/NAME.log, DIR/cache.
# The device is a tmpfs mounted at DIR/srv when mounting is allowed (no
# per-object xattr limit); set SWIFT_TMPFS=0 to use the disk instead and
# SWIFT_TMPFS_SIZE (default 50%) to size it. On ext4 objects cannot carry
# more than ~3.5 KB of metadata. /etc/swift/swift.conf (installed by the
# package) is used as is. Installs the packages via tools/install-deps.sh
# --servers if Swift is missing. Progress and errors go to stderr.
set -euo pipefail

SCRIPT_NAME=swift-server
here=$(dirname -- "${BASH_SOURCE[0]}")
# shellcheck source=tools/lib-servers.sh
. "$here/lib-servers.sh"

SERVERS=(account container object proxy)

usage() {
  usage_from_header "$0"
  exit 2
}

(($# == 2)) || usage
cmd=$1
[[ -n "$2" ]] || usage

url_for() {
  echo "http://127.0.0.1:$1"
}

# our_args NAME: command-line arguments that only this DIR's NAME process has.
our_args() {
  if [[ "$1" == memcached ]]; then
    printf '%s\n' -l 127.0.0.1 -p "$(sed -n 's/^memcached=//p' "$dir/ports")" -U 0
  else
    echo "$dir/etc/$1-server.conf"
  fi
}

# recorded_pids: "PID NAME" for every PID in DIR/pids that is still ours.
recorded_pids() {
  local names=(memcached "${SERVERS[@]}") i=0 pid want=()
  [[ -f "$dir/pids" && -f "$dir/ports" ]] || return 0
  while read -r pid; do
    ((i < ${#names[@]})) || break
    mapfile -t want < <(our_args "${names[i]}")
    if pid_is_ours "$pid" "${want[@]}"; then
      echo "$pid ${names[i]}"
    fi
    i=$((i + 1))
  done <"$dir/pids"
}

auth_status() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
    -H 'X-Auth-User: test:tester' -H 'X-Auth-Key: testing' \
    "$(url_for "$1")/auth/v1.0" || true
}

write_common() {
  # $1 = port
  cat <<CONF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $1
workers = 0
user = $(id -un)
devices = $dir/srv/node
mount_check = false
swift_dir = $dir/etc
recon_cache_path = $dir/cache
disable_fallocate = true
log_level = INFO
CONF
}

write_configs() {
  local s
  for s in account container object; do
    {
      write_common "${ports[$s]}"
      cat <<CONF
log_name = $s-server

[pipeline:main]
pipeline = healthcheck $s-server

[app:$s-server]
use = egg:swift#$s
CONF
      [[ "$s" == container ]] && echo "allow_versions = true"
      cat <<CONF

[filter:healthcheck]
use = egg:swift#healthcheck

[$s-replicator]
[$s-auditor]
CONF
      [[ "$s" != account ]] && echo "[$s-updater]"
    } >"$dir/etc/$s-server.conf"
  done
  {
    write_common "${ports[proxy]}"
    cat <<CONF
log_name = proxy-server

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk tempurl s3api tempauth copy slo dlo versioned_writes symlink proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
allow_account_management = true
account_autocreate = true
error_suppression_interval = 0

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin
# Accounts of their own for the tests that use CloudStack's fixed container names (T-<id>...).
user_reconcile_tester = testing .admin
user_push_tester = testing .admin
user_copy1_tester = testing .admin
user_copy2_tester = testing .admin
user_copy3_tester = testing .admin
user_copy4_tester = testing .admin
user_copy5_tester = testing .admin
user_fault_tester = testing .admin

[filter:s3api]
use = egg:swift#s3api
location = us-east-1

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:${ports[memcached]}

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:gatekeeper]
use = egg:swift#gatekeeper

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:proxy-logging]
use = egg:swift#proxy_logging

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:bulk]
use = egg:swift#bulk

[filter:tempurl]
use = egg:swift#tempurl

[filter:copy]
use = egg:swift#copy

[filter:slo]
use = egg:swift#slo

[filter:dlo]
use = egg:swift#dlo

[filter:versioned_writes]
use = egg:swift#versioned_writes
allow_versioned_writes = true
allow_object_versioning = true

[filter:symlink]
use = egg:swift#symlink
CONF
  } >"$dir/etc/proxy-server.conf"
}

# build_rings: the account, container and object rings, each with one
# replica, part power 6, min_part_hours 0 and one device d1 on its server's
# port. This is what `swift-ring-builder F create 6 1 0`, `add
# r1z1-127.0.0.1:PORT/d1 100` and `rebalance` do, through the same
# swift.common.ring API but in one Python process: 9 swift-ring-builder runs
# cost ~3 s of CPU, this ~0.3 s. (`swift-ring-builder DIR/etc/X.builder`
# still inspects them.)
build_rings() {
  /usr/bin/python3 - "$dir/etc" account "${ports[account]}" \
    container "${ports[container]}" object "${ports[object]}" <<'PY'
import os, sys
from swift.common.ring import RingBuilder
etc = sys.argv[1]
for name, port in zip(sys.argv[2::2], sys.argv[3::2]):
    b = RingBuilder(6, 1, 0)
    b.add_dev({'region': 1, 'zone': 1, 'ip': '127.0.0.1', 'port': int(port),
               'replication_ip': '127.0.0.1', 'replication_port': int(port),
               'device': 'd1', 'weight': 100.0, 'meta': ''})
    b.rebalance()
    b.get_ring().save(os.path.join(etc, name + '.ring.gz'))
    b.save(os.path.join(etc, name + '.builder'))
PY
}

mount_device() {
  if mountpoint -q "$dir/srv"; then
    return 0
  fi
  if [[ "${SWIFT_TMPFS:-1}" != 0 ]] &&
    mount -t tmpfs -o "size=${SWIFT_TMPFS_SIZE:-50%},mode=0755" tmpfs "$dir/srv" 2>/dev/null; then
    note "device on tmpfs at $dir/srv"
  else
    note "device on disk at $dir/srv (metadata per object limited by xattr space)"
  fi
}

unmount_device() {
  if [[ -d "$dir/srv" ]] && mountpoint -q "$dir/srv"; then
    umount "$dir/srv" || note "could not unmount $dir/srv"
  fi
}

# stop_recorded: stop our recorded processes, proxy first, memcached last.
stop_recorded() {
  local lines pid name n
  lines=$(recorded_pids)
  for n in proxy object container account memcached; do
    while read -r pid name; do
      if [[ "$name" == "$n" ]]; then
        stop_pid "$pid" 20 || note "could not stop $name (PID $pid)"
      fi
    done <<<"$lines"
  done
  rm -f "$dir/pids"
}

swift_ready() {
  local s
  for s in account container object; do
    curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:${ports[$s]}/healthcheck" || return 1
  done
  [[ "$(auth_status "${ports[proxy]}")" == 200 ]]
}

do_start() {
  local t0 pid name s i old=() new=() all_alive
  local -A ports=()
  ensure_cmds memcached curl swift-proxy-server swift-object-server \
    swift-container-server swift-account-server
  [[ -f /etc/swift/swift.conf ]] || die "/etc/swift/swift.conf is missing (reinstall swift)"
  if [[ -n "$(recorded_pids | awk '$2 == "proxy"')" ]]; then
    note "already running"
    url_for "$(read_file "$dir/port")"
    return 0
  fi
  t0=$SECONDS
  stop_recorded # leftovers of a half-dead instance
  mkdir -p "$dir/etc" "$dir/srv" "$dir/cache" "$dir/log"

  # Ports: keep the previous ones (and the rings) when they are all free.
  if [[ -f "$dir/ports" ]]; then
    for s in memcached "${SERVERS[@]}"; do
      old+=("$(sed -n "s/^$s=//p" "$dir/ports")")
    done
  fi
  mapfile -t new < <(free_ports 5 "${old[@]}")
  ((${#new[@]} == 5)) || die "could not find free ports"
  i=0
  for s in memcached "${SERVERS[@]}"; do
    ports[$s]=${new[i]}
    i=$((i + 1))
  done
  for s in memcached "${SERVERS[@]}"; do
    echo "$s=${ports[$s]}"
  done >"$dir/ports"
  echo "${ports[proxy]}" >"$dir/port"

  write_configs
  if [[ "${old[*]}" != "${new[*]}" || ! -f "$dir/etc/object.ring.gz" ||
    ! -f "$dir/etc/container.ring.gz" || ! -f "$dir/etc/account.ring.gz" ]]; then
    build_rings || die "building the rings failed"
  fi
  mount_device
  mkdir -p "$dir/srv/node/d1"

  : >"$dir/pids"
  memcached -l 127.0.0.1 -p "${ports[memcached]}" -U 0 -m 64 -u "$(id -un)" \
    </dev/null >"$dir/log/memcached.log" 2>&1 &
  echo $! >>"$dir/pids"
  for s in "${SERVERS[@]}"; do
    "swift-$s-server" "$dir/etc/$s-server.conf" -v \
      </dev/null >"$dir/log/$s.log" 2>&1 &
    echo $! >>"$dir/pids"
  done

  for ((i = 0; i < 300; i++)); do
    swift_ready && break
    all_alive=1
    while read -r pid; do
      pid_alive "$pid" || all_alive=0
    done <"$dir/pids"
    ((all_alive)) || break
    sleep 0.1
  done
  if ! swift_ready; then
    for s in memcached "${SERVERS[@]}"; do
      show_log "$dir/log/$s.log"
    done
    stop_recorded
    unmount_device
    die "swift did not become ready (a process died or 30 s passed; logs above)"
  fi
  note "ready on port ${ports[proxy]} (PIDs $(paste -sd' ' "$dir/pids")) after $((SECONDS - t0)) s"
  url_for "${ports[proxy]}"
}

do_stop() {
  stop_recorded
  unmount_device
}

do_url() {
  local port
  port=$(sed -n 's/^proxy=//p' "$dir/ports" 2>/dev/null || true)
  [[ -n "$port" ]] || die "no Swift server was started in $dir"
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
