#!/usr/bin/env bash
# Usage: tools/build.sh [BUILD_DIR] [extra cmake -D options...]
#
# Configures and builds csmigrate (engine, tests, benchmarks) in BUILD_DIR (default: build/).
# Installs nothing: run tools/install-deps.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
shift || true
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
