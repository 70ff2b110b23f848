#!/usr/bin/env bash
# Usage: tools/test.sh
#
# Installs what is needed, builds, checks formatting, and runs the whole test suite:
#   1. unit tests under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/),
#   2. unit and end-to-end tests (the csmigrate binary on SQLite files) in build/.
# Prints ctest's summary; exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
bash tools/install-deps.sh

echo "== clang-format"
mapfile -t sources < <(git ls-files '*.cc' '*.h' 2>/dev/null || find engine tests bench -name '*.cc' -o -name '*.h')
clang-format --dry-run --Werror "${sources[@]}"

echo "== build"
bash tools/build.sh build

echo "== unit tests under ASan+UBSan"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCSM_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$(nproc)" --target unit_tests
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 ctest -L unit --output-on-failure -j2)

echo "== unit and end-to-end tests"
(cd build && ctest --output-on-failure -j2)
echo "tools/test.sh: all passed in $((SECONDS - started)) s"
