#!/usr/bin/env bash
# Differential check of logitd's RequestParser against h11 (Python) and llhttp (Node's parser).
#
#   Fuzz/differential/run.sh [COUNT] [SEED]      (defaults: 100000 inputs, seed 1)
#
# Builds parsedump with swiftc, generates COUNT seeded inputs, runs our parser (also fed one byte
# at a time and in random pieces, to catch split-dependent results) and each reference, then
# compares them. Prints the counts and the first examples of each class of disagreement; the full
# report is in Fuzz/differential/work/report.txt. Exit status 1 when a disagreement falls in a
# class DISAGREEMENTS.md does not explain, or an outcome depends on how the bytes were split.
#
# Environment: LOGITD_SRC (a checkout whose parser to test; default this one), EXAMPLES (per
# class, default 3), NO_LLHTTP=1 or NO_H11=1 to skip a reference.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
count="${1:-100000}"
seed="${2:-1}"
work="$here/work"
mkdir -p "$work"
rm -f "$work"/*.jsonl "$work"/report.txt

echo "run.sh: building parsedump" >&2
parsedump="$("$here/build.sh")"

refs=()
h11_python=()
if [[ "${NO_H11:-0}" != 1 ]]; then
    # h11 from a venv here; where python3 has no venv module, pip --target into .pydeps instead.
    if "$here/.venv/bin/python" -c 'import h11' 2> /dev/null; then
        h11_python=("$here/.venv/bin/python")
    elif PYTHONPATH="$here/.pydeps" python3 -c 'import h11' 2> /dev/null; then
        h11_python=(env "PYTHONPATH=$here/.pydeps" python3)
    else
        echo "run.sh: installing h11 0.16.0 (PyPI) into $here/.venv" >&2
        if python3 -m venv "$here/.venv" && "$here/.venv/bin/pip" install --quiet 'h11==0.16.0'; then
            h11_python=("$here/.venv/bin/python")
        elif python3 -m pip install --quiet --target "$here/.pydeps" 'h11==0.16.0'; then
            h11_python=(env "PYTHONPATH=$here/.pydeps" python3)
        else
            echo "run.sh: could not install h11; skipping that reference" >&2
        fi
    fi
    ((${#h11_python[@]})) && refs+=(h11)
fi
if [[ "${NO_LLHTTP:-0}" != 1 ]]; then
    if command -v node > /dev/null; then
        refs+=(llhttp)
    else
        echo "run.sh: node not found; skipping the llhttp reference" >&2
    fi
fi
if ((${#refs[@]} == 0)); then
    echo "run.sh: no reference parser available" >&2
    exit 1
fi

echo "run.sh: generating $count inputs (seed $seed)" >&2
start=$SECONDS
python3 "$here/generate.py" --seed "$seed" --count "$count" --meta "$work/meta.jsonl" > "$work/inputs.b64"

echo "run.sh: parsing with parsedump and ${refs[*]}" >&2
pids=()
"$parsedump" --check-splits < "$work/inputs.b64" > "$work/ours.jsonl" &
pids+=($!)
compare_args=()
for ref in "${refs[@]}"; do
    case "$ref" in
        h11) "${h11_python[@]}" "$here/ref_h11.py" < "$work/inputs.b64" > "$work/h11.jsonl" & ;;
        llhttp) node "$here/ref_llhttp.js" < "$work/inputs.b64" > "$work/llhttp.jsonl" & ;;
    esac
    pids+=($!)
    compare_args+=(--ref "$ref=$work/$ref.jsonl")
done
for pid in "${pids[@]}"; do wait "$pid"; done

status=0
python3 "$here/compare.py" --inputs "$work/inputs.b64" --meta "$work/meta.jsonl" --ours "$work/ours.jsonl" \
    "${compare_args[@]}" --seed "$seed" --examples "${EXAMPLES:-3}" --strict > "$work/report.txt" || status=$?
# The summary lines, then the classes with their first example, capped so a terminal can take it.
grep -E '^(inputs|split|===|\[|    #|        (ours|h11|llhttp):|  both reject|    [0-9]+: )' "$work/report.txt" | awk 'NR <= 400'
echo "run.sh: $count inputs in $((SECONDS - start)) s; full report: $work/report.txt" >&2
if ((status != 0)); then
    echo "run.sh: FAILED (unexplained disagreement or split-dependent outcome)" >&2
fi
exit "$status"
