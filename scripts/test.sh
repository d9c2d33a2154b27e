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

# Short smokes of the adversarial checks (the long runs are in Fuzz/README.md and scripts/soak/README.md).
echo "test.sh: soak smoke (a few seconds of mixed load on the debug build)" >&2
scripts/soak/smoke.sh "$(swift build --show-bin-path)/logitd"
echo "test.sh: differential parser smoke (2000 seeded inputs against llhttp and h11)" >&2
Fuzz/differential/smoke.sh
if [[ -x Fuzz/smoke.sh ]]; then
    echo "test.sh: fuzz smoke (each libFuzzer target for a few seconds)" >&2
    Fuzz/smoke.sh
fi
echo "test.sh: deployment checks (kubernetes-validate, checkov, hadolint)" >&2
scripts/check-deploy.sh
