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

# abspath DIR: create DIR if needed and print its absolute path. Paths with
# whitespace or quotes are refused (they end up in server command lines).
abspath() {
  local d
  mkdir -p -- "$1"
  d=$(cd -- "$1" && pwd -P)
  case "$d" in
    *[[:space:]\'\"\\]*) die "DIR must not contain whitespace, quotes or backslashes: $d" ;;
  esac
  echo "$d"
}

# free_ports N [PREFERRED...]: print N distinct TCP ports on 127.0.0.1 that are
# free right now, one per line. If exactly N PREFERRED ports are given and all
# of them are free, they are printed (so a restarted server keeps its URL).
free_ports() {
  /usr/bin/python3 - "$@" <<'PY'
import socket, sys
n, preferred = int(sys.argv[1]), [int(p) for p in sys.argv[2:]]
def grab(ports):
    socks = []
    try:
        for p in ports:
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            socks.append(s)
            s.bind(("127.0.0.1", p))
        return [s.getsockname()[1] for s in socks]
    except OSError:
        return None
    finally:
        for s in socks:
            s.close()
ports = (len(preferred) == n and grab(preferred)) or grab([0] * n)
print("\n".join(map(str, ports)))
PY
}

# free_port [PREFERRED]: print one free port, PREFERRED if it is free.
free_port() {
  free_ports 1 "$@"
}

# pid_alive PID: true if PID names a live (non-zombie) process.
pid_alive() {
  local pid=$1 state
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ "$state" != Z ]]
}

# stop_pid PID [TIMEOUT_S [SIGNAL]]: send SIGNAL (default TERM) to exactly
# PID, wait for it to exit, SIGKILL it after TIMEOUT_S (default 20) seconds.
# No-op if it is not running. (An exited child of PID 1 may linger briefly as
# a zombie until init reaps it; zombies count as exited.)
stop_pid() {
  local pid=$1 timeout=${2:-20} sig=${3:-TERM} i
  pid_alive "$pid" || return 0
  kill -"$sig" "$pid" 2>/dev/null || return 0
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

# ensure_cmds CMD...: install the test servers if any CMD is missing.
ensure_cmds() {
  local c
  for c in "$@"; do
    if ! command -v "$c" >/dev/null 2>&1; then
      note "$c not found, running install-deps.sh --servers"
      "$(dirname -- "${BASH_SOURCE[0]}")/install-deps.sh" --servers >&2
      return 0
    fi
  done
}

# pid_is_ours PID ARG...: true if PID is alive and every ARG is exactly one
# of its command-line arguments (e.g. our own config or data path), so a stale
# pid file never makes us signal a process that merely reuses the number.
pid_is_ours() {
  local pid=$1 arg want found
  shift
  pid_alive "$pid" || return 1
  local -a argv=()
  mapfile -d '' -t argv <"/proc/$pid/cmdline" 2>/dev/null || return 1
  for want in "$@"; do
    found=0
    for arg in "${argv[@]}"; do
      if [[ "$arg" == "$want" ]]; then
        found=1
        break
      fi
    done
    ((found)) || return 1
  done
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
