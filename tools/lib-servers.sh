# shellcheck shell=bash
# Shared helpers for tools/{mariadb,postgres,swift}-server.sh. Source it; do
# not execute it. Every helper works only with PIDs/paths given explicitly.

# die MSG...: print to stderr and exit 1.
die() {
  echo "${SCRIPT_NAME:-server}: $*" >&2
  exit 1
}

# note MSG...: progress message on stderr (stdout is reserved for the URL).
note() {
  echo "${SCRIPT_NAME:-server}: $*" >&2
}

# abspath DIR: create DIR if needed and print its absolute path.
abspath() {
  mkdir -p -- "$1"
  (cd -- "$1" && pwd -P)
}

# free_port: print a TCP port on 127.0.0.1 that is free right now.
free_port() {
  /usr/bin/python3 -c '
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}

# pid_alive PID: true if PID names a live (non-zombie) process.
pid_alive() {
  local pid=$1 state
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ "$state" != Z ]]
}

# stop_pid PID [TIMEOUT_S]: SIGTERM exactly PID, wait for it to exit, SIGKILL
# it after TIMEOUT_S (default 20) seconds. No-op if it is not running.
stop_pid() {
  local pid=$1 timeout=${2:-20} i
  pid_alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < timeout * 20; i++)); do
    pid_alive "$pid" || return 0
    sleep 0.05
  done
  note "PID $pid did not exit after ${timeout}s, sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    pid_alive "$pid" || return 0
    sleep 0.05
  done
  return 1
}

# wait_until TIMEOUT_S PID CMD...: run CMD every 0.1 s until it succeeds.
# Fails early if PID (may be empty) dies, or after TIMEOUT_S seconds.
wait_until() {
  local timeout=$1 pid=$2 i
  shift 2
  for ((i = 0; i < timeout * 10; i++)); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    if [[ -n "$pid" ]] && ! pid_alive "$pid"; then
      return 1
    fi
    sleep 0.1
  done
  return 1
}

# show_log FILE...: print the tail of each log to stderr.
show_log() {
  local f
  for f in "$@"; do
    [[ -f "$f" ]] || continue
    echo "----- tail of $f -----" >&2
    tail -n 30 "$f" >&2
  done
}

# ensure_cmd CMD: install the test servers if CMD is missing.
ensure_cmd() {
  local here
  if ! command -v "$1" >/dev/null 2>&1 && [[ ! -x "$1" ]]; then
    here=$(dirname -- "${BASH_SOURCE[0]}")
    note "$1 not found, running install-deps.sh --servers"
    "$here/install-deps.sh" --servers >&2
  fi
}

# pid_is_ours PID NEEDLE: true if PID is alive and its command line contains
# NEEDLE (our state directory), so a stale pid file never makes us kill a
# process that merely reuses the number.
pid_is_ours() {
  local pid=$1 needle=$2 cmdline
  pid_alive "$pid" || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ "$cmdline" == *"$needle"* ]]
}

# read_file FILE: print FILE's first line, or nothing if it does not exist.
read_file() {
  [[ -f "$1" ]] || return 0
  head -n 1 -- "$1"
}

# usage_from_header SCRIPT: print the script's leading comment block.
usage_from_header() {
  sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$1" >&2
}
