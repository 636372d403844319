#!/bin/sh
# deps.sh -- install what assay needs from Debian's archive, only what is
# missing. Idempotent and quick (one dpkg-query) when everything is there.
#
#   sh scripts/deps.sh            build, run and test dependencies
#   ASSAY_DEPS_EXTRA="pkg ..."    more packages (e.g. for benchmarks: wrk)
set -eu

PKGS="build-essential cmake pkg-config libcurl4-openssl-dev libcjson-dev libpcre2-dev
      libutf8proc-dev libevent-dev libssl-dev gnuplot-nox chromium ca-certificates openssl
      nghttp2-server ${ASSAY_DEPS_EXTRA:-}"

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

echo "assay: installing missing Debian packages:$missing" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "assay: need root or sudo to install:$missing" >&2; exit 1; }
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
