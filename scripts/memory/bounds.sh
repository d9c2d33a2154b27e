#!/usr/bin/env bash
# The table of docs/configuration.md, "Memory per request": each case on a fresh release server, its peak
# extra memory against the body limit. Builds nothing; standard library Python only.
#   scripts/memory/bounds.sh [BINARY] [bounds.py options]     (default .build/release/logitd)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-.build/release/logitd}
[[ $# -gt 0 ]] && shift
[[ -x $bin ]] || { echo "bounds.sh: $bin is not an executable (swift build -c release)" >&2; exit 2; }
exec python3 scripts/memory/bounds.py --binary "$bin" "$@"
