#!/usr/bin/env bash
# Builds a libFuzzer target and runs it for a while, printing libFuzzer's statistics.
#   Fuzz/run.sh TARGET SECONDS [extra libFuzzer flags...]
# TARGET: parser (Fuzz/RequestParserFuzz.swift with the HTTPServer Messages and Parsing sources).
# The corpus in Fuzz/corpus/TARGET is read and grown in a scratch copy (Fuzz/.work/TARGET), so the
# committed seeds stay small; crashes land in Fuzz/.work/TARGET-artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: Fuzz/run.sh TARGET SECONDS}
seconds=${2:?usage: Fuzz/run.sh TARGET SECONDS}
shift 2

case "$target" in
parser)
    sources=(Sources/HTTPServer/Messages/*.swift Sources/HTTPServer/Parsing/*.swift Fuzz/RequestParserFuzz.swift)
    ;;
*)
    echo "unknown target: $target (known: parser)" >&2
    exit 2
    ;;
esac

work=Fuzz/.work
mkdir -p "$work/$target" "$work/$target-artifacts"
binary="$work/$target-fuzz"
# -parse-as-library: no top-level code; libFuzzer supplies main. One module, so `package`
# declarations need a package name. -O with ASan keeps executions fast and memory checked.
swiftc -sanitize=fuzzer,address -parse-as-library -O -g \
    -package-name logitd -module-name "${target}Fuzz" \
    "${sources[@]}" -o "$binary"

dict=(); [[ -f Fuzz/$target.dict ]] && dict=(-dict=Fuzz/$target.dict)
"$binary" "$work/$target" Fuzz/corpus/"$target" "${dict[@]}" \
    -max_total_time="$seconds" -print_final_stats=1 -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/$target-artifacts/" "$@"
