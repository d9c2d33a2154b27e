#!/usr/bin/env bash
# Runs every test of the project: the one command the README names and .ci/run calls.
# On a fresh machine of this kind (Swift present, libcurl headers absent) it installs what the
# tests need first, with apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
pkg-config --exists libcurl 2> /dev/null || need_apt+=(libcurl4-openssl-dev)
command -v curl > /dev/null || need_apt+=(curl)
if ((${#need_apt[@]})); then
    echo "test.sh: installing ${need_apt[*]}" >&2
    sudo_cmd=""
    [[ $(id -u) == 0 ]] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" > /dev/null
fi

echo "test.sh: swift format lint" >&2
swift format lint --strict -r Sources Tests Package.swift

echo "test.sh: swift build" >&2
swift build 2>&1 | tee /tmp/logitd-build.$$.log
if grep -q 'warning:' /tmp/logitd-build.$$.log; then
    echo "test.sh: swift build printed warnings" >&2
    rm -f /tmp/logitd-build.$$.log
    exit 1
fi
rm -f /tmp/logitd-build.$$.log

echo "test.sh: swift test" >&2
swift test "$@"
