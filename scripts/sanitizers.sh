#!/usr/bin/env bash
# The whole test suite under AddressSanitizer (with LeakSanitizer) and ThreadSanitizer, each in a build folder
# of its own (.build-asan, .build-tsan), so neither disturbs the ordinary .build.
#
#   scripts/sanitizers.sh                  both, one after the other
#   scripts/sanitizers.sh address          or thread; extra arguments go to swift test (e.g. --filter X)
#
# Every process of the run, the test runners and the logitd executables the integration tests start, writes
# its sanitizer reports to a file of its own under $SANITIZER_LOGS (default .build-sanitizer-logs/KIND), not to a
# stderr a test may be capturing. Exit status 1 when swift test fails or any report was written.
# Not part of scripts/test.sh: on 2 cores each instrumented build takes about 10 minutes and each run longer than
# the plain one (README, "Testing").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/apt-install.sh
LOGITD_TEST_PYTHON=$(scripts/venv.sh)
export LOGITD_TEST_PYTHON
kinds=(address thread)
if [[ $# -gt 0 && ($1 == address || $1 == thread) ]]; then
    kinds=("$1")
    shift
fi
status=0
for kind in "${kinds[@]}"; do
    short=${kind/address/asan}
    short=${short/thread/tsan}
    logs=${SANITIZER_LOGS:-$PWD/.build-sanitizer-logs}/$kind
    rm -rf "$logs"
    mkdir -p "$logs"
    if [[ $kind == address ]]; then
        export ASAN_OPTIONS="log_path=$logs/report:detect_leaks=1"
        export LSAN_OPTIONS="suppressions=$PWD/.lsan-suppressions"
    else
        export TSAN_OPTIONS="log_path=$logs/report"
    fi
    echo "sanitizers.sh: swift test --sanitize=$kind --scratch-path .build-$short $*" >&2
    began=$SECONDS
    code=0
    swift test --sanitize="$kind" --scratch-path ".build-$short" "$@" || code=$?
    # A report has an ERROR/WARNING line and a SUMMARY; LeakSanitizer also writes a file listing the suppressions
    # it used (.lsan-suppressions) when nothing else was found: that file is not a report.
    found=$(grep -lE '^(==[0-9]+==ERROR|WARNING: ThreadSanitizer|SUMMARY: )' "$logs"/* 2> /dev/null || true)
    reports=$(printf '%s' "$found" | grep -c . || true)
    files=$(find "$logs" -type f | wc -l)
    echo "sanitizers.sh: $kind: swift test exited $code after $((SECONDS - began)) s; $reports reports" \
        "($files files in $logs)" >&2
    for f in $found; do
        echo "---- $f" >&2
        head -60 "$f" >&2
    done
    if ((code != 0 || reports > 0)); then status=1; fi
    unset ASAN_OPTIONS LSAN_OPTIONS TSAN_OPTIONS
done
exit "$status"
