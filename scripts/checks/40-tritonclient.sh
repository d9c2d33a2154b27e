#!/usr/bin/env bash
# tritonclient[http] (Triton's own Python client, from scripts/requirements/pip-oip.txt) against logitd
# serving the committed iris and breast-cancer models: health, metadata, infer with binary and JSON tensors,
# FP32 and FP64, class_count, compressed requests, errors; every answer equal to native /classify.
#   scripts/checks/40-tritonclient.sh PATH/TO/logitd
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:?usage: $0 PATH/TO/logitd}
python=${LOGITD_TEST_PYTHON:-$(scripts/venv.sh)}
fixtures=Tests/LogitModelsTests/Fixtures

out=$(mktemp)
"$bin" --port 0 --model "$fixtures/iris.json" --model "$fixtures/breast_cancer.json" > "$out" 2> /dev/null &
pid=$!
trap 'kill "$pid" 2> /dev/null; wait "$pid" 2> /dev/null; rm -f "$out"' EXIT

# The first stdout line is `listening on HOST:PORT` once it accepts connections (at most 10 s).
address=""
for _ in $(seq 100); do
    address=$(sed -n 's/^listening on //p' "$out" | head -n 1)
    [[ -n $address ]] && break
    kill -0 "$pid" 2> /dev/null || { echo "40-tritonclient: logitd exited before listening" >&2; exit 1; }
    sleep 0.1
done
[[ -n $address ]] || { echo "40-tritonclient: logitd did not listen within 10 s" >&2; exit 1; }

"$python" scripts/checks/tritonclient_check.py "$address" --compression
