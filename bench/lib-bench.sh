# shellcheck shell=bash
# Shell helpers shared by the bench/*.sh benchmarks. Source it after setting BENCH_NAME.

# Exits 2 unless every argument is an executable file (a csmigrate build product).
require_built() {
  local tool
  for tool in "$@"; do
    [[ -x $tool ]] || { echo "$BENCH_NAME: $tool is missing (see --build)" >&2; exit 2; }
  done
}

# Exits 2 unless every argument is a command on PATH (or an absolute path that exists).
require_installed() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "$BENCH_NAME: $tool is not installed" >&2; exit 2; }
  done
}

# Sets `work` to an absolute scratch directory: the one given in $work, or a new one under /tmp
# (then own_work=1, so the caller removes it at the end). Clears a previous run's results file.
# shellcheck disable=SC2034  # own_work is read by the sourcing script
make_work_dir() {
  own_work=0
  if [[ -z $work ]]; then
    work=$(mktemp -d "/tmp/$BENCH_NAME.XXXXXX")
    own_work=1
  fi
  mkdir -p "$work"
  work=$(cd "$work" && pwd)
  rm -f "$work/runs"
}
