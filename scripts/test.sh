#!/bin/sh
# test.sh -- install dependencies, build and run every test twice: a normal
# build (build/) and one with AddressSanitizer + UndefinedBehaviorSanitizer
# (build-asan/). ASSAY_TEST_SANITIZE=0 skips the second. This is the
# README's test command and what .ci/run runs.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

BUILD_DIR=build sh scripts/build.sh
ctest --test-dir build --output-on-failure -j"$jobs"

if [ "${ASSAY_TEST_SANITIZE:-1}" != 0 ]; then
    BUILD_DIR=build-asan sh scripts/build.sh -DASSAY_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
        ctest --test-dir build-asan --output-on-failure -j"$jobs"
fi
echo "assay: all tests passed"
