#!/usr/bin/env bash
# Usage: tools/test.sh
#
# Installs what is needed (build packages and the test servers), builds, checks formatting, and
# runs the whole test suite:
#   1. unit tests under AddressSanitizer + UndefinedBehaviorSanitizer (build-asan/), then each
#      libFuzzer target of tests/fuzz for 30 s (tools/fuzz.sh, build-fuzz/),
#   2. every test in build/: unit, e2e (the csmigrate binary on SQLite files), server (real
#      MariaDB and PostgreSQL), galera (a 3-node MariaDB Galera cluster) and store (S3 and Swift
#      clients against a Swift all-in-one with its S3 API); the servers are started here in a
#      temporary directory and stopped on exit.
# Prints ctest's summary; exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
bash tools/install-deps.sh --servers

echo "== clang-format"
mapfile -t sources < <(git ls-files '*.cc' '*.h')
clang-format --dry-run --Werror "${sources[@]}"

echo "== build"
bash tools/build.sh build

echo "== unit tests under ASan+UBSan"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCSM_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$(nproc)" --target unit_tests
(cd build-asan && ctest -L unit --output-on-failure -j2)

echo "== fuzzing: each libFuzzer target of tests/fuzz for 30 s (build-fuzz/)"
bash tools/fuzz.sh 30

echo "== servers"
servers=$(mktemp -d /tmp/csm-servers.XXXXXX)
stop_servers() {
  bash tools/mariadb-server.sh stop "$servers/mariadb" >/dev/null 2>&1 || true
  bash tools/postgres-server.sh stop "$servers/postgres" >/dev/null 2>&1 || true
  bash tools/swift-server.sh stop "$servers/swift" >/dev/null 2>&1 || true  # unmounts its tmpfs
  bash tools/galera-server.sh stop "$servers/galera" >/dev/null 2>&1 || true
  rm -rf "$servers"
}
trap stop_servers EXIT
export MYSQL_PWD=cloud PGPASSWORD=cloud CSM_TEST_REQUIRE_SERVERS=1
CSM_TEST_MYSQL_URL=$(bash tools/mariadb-server.sh start "$servers/mariadb")
CSM_TEST_POSTGRESQL_URL=$(bash tools/postgres-server.sh start "$servers/postgres")
CSM_TEST_SWIFT_URL=$(bash tools/swift-server.sh start "$servers/swift")
export CSM_TEST_MYSQL_URL CSM_TEST_POSTGRESQL_URL CSM_TEST_SWIFT_URL
# Three MariaDB Galera nodes (label "galera"): measured ~7-13 s to start, ~10-16 s of tests.
CSM_TEST_GALERA_URLS=$(bash tools/galera-server.sh start "$servers/galera")
export CSM_TEST_GALERA_URLS CSM_TEST_GALERA_DIR="$servers/galera"
echo "MariaDB at $CSM_TEST_MYSQL_URL, PostgreSQL at $CSM_TEST_POSTGRESQL_URL, Swift at $CSM_TEST_SWIFT_URL"

echo "== unit, e2e and server tests"
(cd build && ctest --output-on-failure -j2)
echo "tools/test.sh: all passed in $((SECONDS - started)) s"
