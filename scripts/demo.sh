#!/bin/sh
# demo.sh -- the README's first command: install dependencies, build, and
# show what assay does offline.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
BUILD_DIR=build sh scripts/build.sh
./build/assay --help
echo
echo "assay: the offline demo (mock providers, bundled suites, report) arrives with the"
echo "mock provider and run engine; see the open issues."
