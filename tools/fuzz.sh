#!/usr/bin/env bash
# Usage: tools/fuzz.sh [SECONDS] [TARGET...]
#
# Builds the libFuzzer targets of tests/fuzz/ with clang (build directory build-fuzz/, or
# $CSM_FUZZ_BUILD_DIR; cmake -DCSM_FUZZ=ON) and runs each TARGET (default: all, e.g.
# "s3_xml" or "fuzz_s3_xml") for SECONDS (default 30), $CSM_FUZZ_JOBS targets at a time (default:
# the number of cores). Each run starts from a copy of tests/fuzz/corpus/<target>/ in a temporary
# directory (the repository's corpus is never written) with tests/fuzz/fuzz_<target>.dict, a
# 10 s timeout per input and a 2048 MB memory limit. Prints one line per target (executions,
# executions per second, corpus files before and after, peak memory). Any crash, leak, timeout,
# out-of-memory or failed check fails the script: it names the target and keeps the reproducer
# and the fuzzer's log (their paths are printed); rerun one with
#   build-fuzz/tests/fuzz/fuzz_<target> REPRODUCER
# Installs nothing: run tools/install-deps.sh first (it installs clang and libfuzzer-14-dev).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-30}
shift || true
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "fuzz.sh: SECONDS must be a positive whole number, not '$seconds'" >&2
  exit 2
fi
build_dir=${CSM_FUZZ_BUILD_DIR:-build-fuzz}
jobs=${CSM_FUZZ_JOBS:-$(nproc)}

targets=()
if (($# == 0)); then
  for source in tests/fuzz/fuzz_*.cc; do
    name=$(basename "$source" .cc)
    targets+=("${name#fuzz_}")
  done
else
  for name in "$@"; do
    name=${name#fuzz_}
    if [[ ! -f "tests/fuzz/fuzz_$name.cc" ]]; then
      echo "fuzz.sh: no fuzz target '$name' (tests/fuzz/fuzz_$name.cc)" >&2
      exit 2
    fi
    targets+=("$name")
  done
fi

started=$SECONDS
work=$(mktemp -d "${TMPDIR:-/tmp}/csm-fuzz.XXXXXX")
# The build's output only when it fails.
if ! { cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
         -DCMAKE_CXX_COMPILER=clang++ -DCSM_FUZZ=ON &&
       cmake --build "$build_dir" -j"$(nproc)" --target "${targets[@]/#/fuzz_}"; } \
     >"$work/build.log" 2>&1; then
  tail -n 60 "$work/build.log" >&2
  echo "fuzz.sh: the build failed (whole log: $work/build.log)" >&2
  exit 1
fi
echo "fuzz.sh: built in $((SECONDS - started)) s; running ${#targets[@]} targets for $seconds s each," \
  "$jobs at a time"

# Runs fuzz_$1 in $work/$1/ (corpus/, artifacts/, log); its exit status is libFuzzer's.
run_target() {
  local name=$1 dir=$work/$1
  mkdir -p "$dir/corpus" "$dir/artifacts"
  cp tests/fuzz/corpus/"$name"/* "$dir/corpus/"
  local args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
              -artifact_prefix="$dir/artifacts/")
  if [[ -f "tests/fuzz/fuzz_$name.dict" ]]; then args+=(-dict="tests/fuzz/fuzz_$name.dict"); fi
  "$build_dir/tests/fuzz/fuzz_$name" "${args[@]}" "$dir/corpus" >"$dir/log" 2>&1
}

# One line on how fuzz_$1 went, from its log and corpus.
summarize() {
  local name=$1 dir=$work/$1 runs rate rss seeds files
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log")
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$dir/log")
  seeds=$(find "tests/fuzz/corpus/$name" -type f | wc -l)
  files=$(find "$dir/corpus" -type f | wc -l)
  echo "fuzz_$name: ${runs:-?} runs in $seconds s (${rate:-?}/s), corpus $seeds -> $files files," \
    "peak ${rss:-?} MB"
}

declare -A pid_of=()
failed=()
# Waits for one running target and records how it ended.
reap() {
  local done_pid status=0 name
  wait -n -p done_pid "${pid_of[@]}" || status=$?
  for name in "${!pid_of[@]}"; do
    [[ "${pid_of[$name]}" == "$done_pid" ]] || continue
    unset "pid_of[$name]"
    if ((status == 0)); then
      echo "$(summarize "$name"): ok"
    else
      failed+=("$name")
      echo "fuzz_$name: FAILED (exit $status)" >&2
      grep -E '^(==[0-9]+==ERROR|SUMMARY|fuzz check failed|.*runtime error)' "$work/$name/log" | head -n 5 >&2 || true
      for artifact in "$work/$name/artifacts"/*; do
        [[ -e "$artifact" ]] && echo "  reproducer: $artifact" >&2
      done
      echo "  log: $work/$name/log" >&2
    fi
  done
}

for name in "${targets[@]}"; do
  while ((${#pid_of[@]} >= jobs)); do reap; done
  run_target "$name" &
  pid_of[$name]=$!
done
while ((${#pid_of[@]} > 0)); do reap; done

if ((${#failed[@]} > 0)); then
  echo "fuzz.sh: ${#failed[@]} of ${#targets[@]} targets failed: ${failed[*]} (kept in $work)" >&2
  exit 1
fi
rm -rf "$work"
echo "fuzz.sh: ${#targets[@]} targets ran $seconds s each without a finding;" \
  "$((SECONDS - started)) s in all"
