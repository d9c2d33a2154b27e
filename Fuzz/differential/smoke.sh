#!/usr/bin/env bash
# A few seconds of the differential check, for CI: 2000 inputs of a fixed seed, so a CI run is
# repeatable (SMOKE_SEED=N walks other inputs). Fails like run.sh: a disagreement in a class that
# DISAGREEMENTS.md does not explain, or an outcome that depends on how the bytes were split.
# Then it checks the checker: with one parsed target changed in our output, compare.py must fail.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seed="${SMOKE_SEED:-1}"
work="$here/work"
echo "differential smoke: 2000 inputs, seed $seed" >&2
EXAMPLES=1 "$here/run.sh" 2000 "$seed"

python3 - "$work/ours.jsonl" "$work/ours-altered.jsonl" << 'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
for i, line in enumerate(lines):
    o = json.loads(line)
    if o["ok"] and o["requests"]:
        o["requests"][0]["target"] += "x"
        lines[i] = json.dumps(o)
        break
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
PY
refs=()
for ref in h11 llhttp; do
    [[ -s "$work/$ref.jsonl" ]] && refs+=(--ref "$ref=$work/$ref.jsonl")
done
if python3 "$here/compare.py" --inputs "$work/inputs.b64" --meta "$work/meta.jsonl" \
    --ours "$work/ours-altered.jsonl" "${refs[@]}" --strict > /dev/null 2>&1; then
    echo "differential smoke: compare.py did not notice an altered target" >&2
    exit 1
fi
echo "differential smoke: passed (and an altered target was caught)" >&2
