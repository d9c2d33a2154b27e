#!/usr/bin/env bash
# Instructions the server executes per request, counted by valgrind's callgrind: a figure that a
# busy or shared machine does not move (requests/s on the 2-core VM moves ±10–30 % run to run).
#
#   instructions.sh BINARY [PAYLOAD [PATH]] [-- SERVER-ARGUMENTS...]      e.g.
#   instructions.sh ../.build-static/release/logitd small /softmax
#   instructions.sh ../.build-static/release/logitd model-iris /classify -- --model-dir models/logitd
#   instructions.sh ../.build-static/release/logitd oip-head-binary /v2/models/head/infer -- --model-dir models/logitd
#   (the oip and model-iris payloads and models/logitd are made by run.sh --payloads oip)
#
# Starts BINARY on 127.0.0.1:18099 under callgrind, warms it up with wrk (3 s), zeroes the
# counters, sends 10 s of PAYLOAD (payloads/PAYLOAD.json, made by gen_payloads.py; 8 connections), dumps the counters and
# prints the instructions (Ir) of that window divided by the requests wrk counted. Compare two
# builds by running it on each, alternately. Valgrind 3.19 cannot read the DWARF 5 of a Swift
# release build, so the binary is copied without its debug sections first (symbols stay).
# Needs valgrind and wrk (scripts/apt-install.sh Benchmarks/codec-reference/apt.txt installs valgrind). The server is stopped by
# the PID this script started. With CALLGRIND_OUT=FILE the window's profile is kept there, for
# callgrind_annotate (pipe it through swift demangle).
set -euo pipefail
usage="usage: instructions.sh BINARY [PAYLOAD [PATH]] [-- SERVER-ARGUMENTS...]"
binary=$(realpath "${1:?$usage}") payload=small path=/softmax
shift
[[ $# -gt 0 && $1 != -- ]] && { payload=$1; shift; }
[[ $# -gt 0 && $1 != -- ]] && { path=$1; shift; }
[[ $# -gt 0 && $1 == -- ]] && shift
server_arguments=("$@")
cd "$(dirname "$0")"
port=18099
for tool in valgrind callgrind_control wrk strip; do
    command -v "$tool" > /dev/null || { echo "instructions.sh: $tool is missing" >&2; exit 2; }
done
[[ -s payloads/$payload.json || -s payloads/$payload.bin ]] || python3 gen_payloads.py >&2
# A binary payload (oip-head-binary) is payloads/NAME.bin with its header fields in NAME.headers.
body=payloads/$payload.json headers=()
[[ -s payloads/$payload.bin ]] && body=payloads/$payload.bin
[[ -s payloads/$payload.headers ]] && mapfile -t headers < "payloads/$payload.headers"
[[ -s $body ]] || { echo "instructions.sh: no payloads/$payload.json or .bin (run.sh --payloads oip makes the oip ones)" >&2; exit 2; }
if curl -fs -o /dev/null "http://127.0.0.1:$port/healthz"; then
    echo "instructions.sh: something already answers on port $port" >&2
    exit 2
fi
work=$(mktemp -d) pid=""
trap '[[ -n $pid ]] && kill -TERM "$pid" 2> /dev/null; rm -rf "$work"' EXIT
strip --strip-debug -o "$work/server" "$binary"
valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$work/server" --port "$port" "${server_arguments[@]}" \
    > "$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 120); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/healthz" && break
    sleep 0.5
done
load() { wrk -t1 -c8 -d"$1" -s wrk/post.lua "http://127.0.0.1:$port$path" -- "$body" "${headers[@]}"; }
load 3s > /dev/null
callgrind_control -z "$pid" > /dev/null 2>&1
load 10s > "$work/wrk.out"
callgrind_control -d "$pid" > /dev/null 2>&1
kill -TERM "$pid"
wait "$pid" || true
pid=""
[[ -n ${CALLGRIND_OUT:-} ]] && cp "$work/cg.out.1" "$CALLGRIND_OUT"
requests=$(awk '/^RESULT/ {print $7}' "$work/wrk.out")
ir=$(awk '/^summary:/ {print $2}' "$work/cg.out.1")
[[ -n $requests && $requests -gt 0 && -n $ir ]] || { echo "instructions.sh: no count (see $work)" >&2; exit 1; }
echo "$payload $path: $requests requests, $ir instructions, $((ir / requests)) per request"
