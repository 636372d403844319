#!/bin/sh
# build.sh -- configure and build into BUILD_DIR (default build/).
#   sh scripts/build.sh [extra cmake -D options]
set -eu
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B "$BUILD_DIR" -DASSAY_WERROR=ON "$@" >/dev/null
cmake --build "$BUILD_DIR" -j"$jobs"
