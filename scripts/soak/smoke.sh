#!/usr/bin/env bash
# A few seconds of soak.py, for CI: the mixed load with served models rewritten and reloaded (SIGHUP
# every second, every second reload with a malformed file), no 5xx, no unexpected error, fds back to
# idle after the load, exit 0 on SIGTERM. Too short to judge memory growth (the real soak is
# `soak.py --duration 600`). Builds nothing.
#
#   scripts/soak/smoke.sh BINARY     e.g. .build/debug/logitd
#   scripts/soak/smoke.sh --mock     the harness against mock_server.py (a dry run of soak.py itself)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [[ $# -ne 1 ]]; then
    echo "usage: $0 BINARY | --mock" >&2
    exit 2
fi
binary="$1"
if [[ "$binary" == --mock ]]; then
    binary="python3 $here/mock_server.py"
elif [[ ! -x "$binary" ]]; then
    echo "smoke.sh: $binary is not an executable (build it first)" >&2
    exit 2
fi
models=(--models --reload-every 1 --malformed-every 2)
[[ "$1" == --mock ]] && models=()  # mock_server.py serves no models
exec python3 "$here/soak.py" --binary "$binary" --duration "${SOAK_SECONDS:-5}" --warmup 1 --sample 1 --workers 4 --slow-clients 1 "${models[@]}"
