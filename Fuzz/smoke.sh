#!/usr/bin/env bash
# A short smoke of every fuzz target, for CI: builds them all, then runs each for a few seconds
# (two at a time) on its seed corpus in a fresh scratch folder. Fails when a build fails or a
# target finds a crash (the input is left in Fuzz/.work/TARGET-artifacts/).
#   Fuzz/smoke.sh [SECONDS per target, default 6]
# The runs take about 45 s (twelve targets, two at a time); building them all from a clean checkout
# takes about 2 ½ minutes of CPU (430 s on the loaded shared machine, 2026-12-02). Long runs are
# Fuzz/run.sh TARGET SECONDS, kept out of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-6}
targets=(parser json sigmoid softmax linear classify onnx logitd sklearn safetensors oip inflate)
start=$SECONDS

# parser needs none of the modules, so it builds beside them.
Fuzz/run.sh --build parser &
parser_pid=$!
Fuzz/run.sh --build json sigmoid
wait "$parser_pid"
Fuzz/run.sh --build softmax &
softmax_pid=$!
Fuzz/run.sh --build linear classify
wait "$softmax_pid"
# inflate needs only ContentCoding; the model and protocol targets share the model modules.
Fuzz/run.sh --build inflate &
inflate_pid=$!
Fuzz/run.sh --build onnx logitd sklearn safetensors oip
wait "$inflate_pid"
echo "smoke: built ${#targets[@]} targets in $((SECONDS - start)) s"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
failed=()
run() {
    local t=$1
    if FUZZ_SCRATCH=$scratch/$t Fuzz/run.sh --no-build "$t" "$seconds" >"$scratch/$t.log" 2>&1; then
        echo "smoke: $t ok, $(grep -o 'number_of_executed_units: [0-9]*' "$scratch/$t.log" | grep -o '[0-9]*$') runs"
    else
        echo "smoke: $t FAILED; its log:"
        grep -vE '^#[0-9]+|^"' "$scratch/$t.log" | tail -40
        return 1
    fi
}
for ((i = 0; i < ${#targets[@]}; i += 2)); do
    run "${targets[i]}" &
    first=$!
    if ((i + 1 < ${#targets[@]})); then
        run "${targets[i + 1]}" || failed+=("${targets[i + 1]}")
    fi
    wait "$first" || failed+=("${targets[i]}")
done
echo "smoke: $((SECONDS - start)) s in all"
if ((${#failed[@]})); then
    echo "smoke: failed: ${failed[*]}" >&2
    exit 1
fi
