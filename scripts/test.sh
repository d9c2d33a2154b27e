#!/usr/bin/env bash
# Runs every test of the project: the one command the README names and .ci/run calls.
# On a fresh machine of this kind (Swift present, libcurl headers absent) it installs what the
# tests need first, with apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/apt-install.sh
python=$(scripts/venv.sh)
export LOGITD_TEST_PYTHON=$python

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

# End-to-end checks with real clients, each given the debug binary.
bin="$(swift build --show-bin-path)/logitd"
for check in scripts/checks/*.sh; do
    [[ -x $check ]] || continue
    echo "test.sh: $check" >&2
    "$check" "$bin"
done

# Short smokes of the adversarial checks (the long runs are in Fuzz/README.md and scripts/soak/README.md).
echo "test.sh: soak smoke (a few seconds of mixed load on the debug build)" >&2
scripts/soak/smoke.sh "$bin"
echo "test.sh: differential parser smoke (2000 seeded inputs against llhttp and h11)" >&2
Fuzz/differential/smoke.sh
if [[ -x Fuzz/smoke.sh ]]; then
    echo "test.sh: fuzz smoke (each libFuzzer target for a few seconds)" >&2
    Fuzz/smoke.sh
fi
echo "test.sh: deployment checks (kubernetes-validate, checkov, hadolint)" >&2
scripts/check-deploy.sh
