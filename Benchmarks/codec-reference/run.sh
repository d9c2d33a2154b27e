#!/usr/bin/env bash
# Times JSONCodec's number reading and writing beside C/C++ references on the same numbers, in one run:
# builds reference.cpp (glibc strtod/snprintf, fast_float, double-conversion, std::to_chars) and
# JSONCodecBench (release, the package's JSONCodec sources), then runs both.
#
#   Benchmarks/codec-reference/run.sh                 # timings, ns per number (best / median of 31)
#   Benchmarks/codec-reference/run.sh --instructions  # instructions per number (valgrind cachegrind)
#
# Needs swiftc and python3; installs what else it needs from apt.txt beside it when missing (g++,
# libfast-float-dev, libdouble-conversion-dev, valgrind for --instructions) with
# scripts/apt-install.sh (root or sudo). Besides the generated sets it times the numbers of the load
# test's `large` payload (Benchmarks/payloads/large.json, written by gen_payloads.py when missing)
# and of their softmax, the server's answer: the `payload` and `payload-answer` rows.
# Run from anywhere; builds into ${BUILD:-/tmp/codec-reference}.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD:-/tmp/codec-reference}
mkdir -p "$build"
"$root/scripts/apt-install.sh" "$here/apt.txt"
[[ -s $root/Benchmarks/payloads/large.json ]] || python3 "$root/Benchmarks/gen_payloads.py" >&2
export LARGE_PAYLOAD=$root/Benchmarks/payloads/large.json
g++ -O2 -std=c++17 "$here/reference.cpp" -o "$build/reference" -ldouble-conversion
swiftc -O -wmo -parse-as-library -package-name logitd -module-name JSONCodecBench \
    "$root"/Sources/JSONCodec/*.swift "$root/Benchmarks/JSONCodecBench/main.swift" -o "$build/jsoncodec-bench"

if [[ ${1:-} != --instructions ]]; then
    echo "== C/C++ references"
    "$build/reference"
    echo "== JSONCodec"
    "$build/jsoncodec-bench"
    exit 0
fi

# Instructions executed by one run of MODE (cachegrind's I refs), from its summary line.
instructions() {
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$@" 2>&1 |
        sed -n 's/.*I *refs: *//p' | tr -d ','
}
numbers=$((10 * 131072))
per_number() { # label, binary, mode, setup instructions
    local ir
    ir=$(instructions "$2" "$3")
    awk -v l="$1" -v a="$ir" -v b="$4" -v n="$numbers" 'BEGIN { printf "  %-34s %6.1f instructions/number\n", l, (a - b) / n }'
}
echo "== instructions per number, large set (131 072 × 10)"
setup=$(instructions "$build/reference" setup)
for mode in strtod fast_float dc-read snprintf to_chars dc-shortest; do
    per_number "$mode" "$build/reference" "$mode" "$setup"
done
setup=$(instructions "$build/jsoncodec-bench" setup)
for mode in read-large write-large read-short write-short read-answer write-answer read-payload write-payload-answer; do
    per_number "JSONCodec $mode" "$build/jsoncodec-bench" "$mode" "$setup"
done
