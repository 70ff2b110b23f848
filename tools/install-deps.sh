#!/usr/bin/env bash
# Usage: tools/install-deps.sh [--servers]
#
# Idempotently installs csmigrate's build dependencies with apt-get (Debian 12).
# With --servers it also installs the throwaway test servers used by
# tools/mariadb-server.sh, tools/galera-server.sh, tools/postgres-server.sh and
# tools/swift-server.sh (MariaDB, Galera, PostgreSQL, OpenStack Swift + memcached, curl),
# rclone (S3 peer) and chromium (headless: the e2e test of `reconcile --format html`).
#
# Only missing packages are installed; `apt-get update` runs only when
# something is missing, so a run with everything present takes well under 1 s.
# Must run as root (or with sudo available).
set -euo pipefail

build_pkgs=(
  g++ cmake make pkg-config clang-format sqlite3
  libsqlitecpp-dev libyaml-cpp-dev libspdlog-dev libcli11-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libcurl4-openssl-dev libssl-dev libpugixml-dev
  libpqxx-dev default-libmysqlclient-dev
  man-db dpkg-dev  # man -l checks docs/csmigrate.1; cpack -G DEB runs dpkg-shlibdeps
  clang libfuzzer-14-dev libclang-rt-14-dev  # tools/fuzz.sh (libclang-rt: ASan, -fsanitize=fuzzer)
)
server_pkgs=(
  mariadb-server mariadb-client postgresql
  galera-4  # tools/galera-server.sh (mariadb-server installs it too, as a dependency)
  swift swift-proxy swift-object swift-container swift-account memcached curl rclone
  python3-jsonschema
  chromium  # headless: tests/e2e/reconcile_html_test.cc opens the HTML report
)

usage() {
  sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0" >&2
  exit "${1:-2}"
}

pkgs=("${build_pkgs[@]}")
for arg in "$@"; do
  case "$arg" in
    --servers) pkgs+=("${server_pkgs[@]}") ;;
    -h|--help) usage 0 ;;
    *) echo "install-deps: unknown argument: $arg" >&2; usage ;;
  esac
done

# One dpkg-query call for all packages (unknown ones are simply absent).
declare -A installed=()
while read -r name status; do
  if [[ "$status" == "install ok installed" ]]; then
    installed[$name]=1
  fi
done < <(dpkg-query -W -f='${Package} ${Status}\n' "${pkgs[@]}" 2>/dev/null || true)
missing=()
for p in "${pkgs[@]}"; do
  [[ -n "${installed[$p]:-}" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#pkgs[@]} packages already installed"
  exit 0
fi

sudo=()
if ((EUID != 0)); then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo" >&2; exit 1; }
  sudo=(sudo)
fi

# apt and the maintainer scripts are chatty (policy-rc.d refusals etc.): keep
# their output in a log and show it only on failure.
log=$(mktemp "${TMPDIR:-/tmp}/install-deps.XXXXXX")
trap 'rm -f "$log"' EXIT
run() {
  if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive "$@" >"$log" 2>&1; then
    echo "install-deps: failed: $*" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
}

echo "install-deps: apt-get update"
run apt-get update -qq
echo "install-deps: apt-get install ${missing[*]}"
run apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}"
echo "install-deps: done (${#missing[@]} packages installed)"
