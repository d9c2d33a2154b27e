#!/usr/bin/env bash
# Served models end to end, as a new user would run them from docs/models.md: scikit-learn fits iris and
# breast cancer, scripts/export_sklearn.py writes them, logitd serves them from a Triton-like repository and a
# KServe-like mount, and every sample's class over HTTP equals scikit-learn's predict. Then: a bad model file
# exits 2 with one line naming it, and SIGHUP swaps the set (or keeps it when the new one is broken).
# Usage: scripts/checks/30-models.sh path/to/logitd
set -uo pipefail
cd "$(dirname "$0")/../.."
bin=$1
python=$(scripts/venv.sh)
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null; done
    rm -rf "$work"
}
trap cleanup EXIT
passed=0
failed=0
check() { # name, command...
    local name=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAILED: $name" >&2
    fi
}

# Starts logitd with the given arguments on a free port; sets $port and $pid (or fails).
start() {
    local log=$work/logitd.$RANDOM.log
    "$bin" --port 0 "$@" > "$log.out" 2> "$log" &
    pid=$!
    pids+=("$pid")
    port=
    for _ in $(seq 100); do
        port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$log.out")
        [[ -n $port ]] && return 0
        kill -0 "$pid" 2> /dev/null || return 1
        sleep 0.1
    done
    return 1
}

"$python" - "$work" << 'PY' || { echo "0 passed, 1 failed"; exit 1; }
import os, sys, joblib
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.linear_model import LogisticRegression
work = sys.argv[1]
X, y = load_iris(return_X_y=True)
joblib.dump(LogisticRegression(max_iter=1000).fit(X, y), os.path.join(work, "iris.joblib"))
X, y = load_breast_cancer(return_X_y=True)
joblib.dump(LogisticRegression(max_iter=10000).fit(X, y), os.path.join(work, "cancer.joblib"))
PY

# A Triton-like repository: iris in two versions (the second as safetensors), its config ignored.
mkdir -p "$work/repo/iris/1" "$work/repo/iris/2" "$work/kserve"
check "export iris" "$python" scripts/export_sklearn.py "$work/iris.joblib" "$work/repo/iris/1/model.json"
cp Tests/LogitModelsTests/Fixtures/iris_f32.safetensors "$work/repo/iris/2/model.safetensors"
echo 'name: "iris"' > "$work/repo/iris/config.pbtxt"
check "export cancer" "$python" scripts/export_sklearn.py "$work/cancer.joblib" "$work/repo/cancer.json"
# A KServe-like storage mount: one file.
cp "$work/repo/iris/1/model.json" "$work/kserve/model.json"

if start --model-dir "$work/repo"; then
    check "/models lists the repository" "$python" - "$port" << 'PY'
import json, sys, urllib.request
models = json.load(urllib.request.urlopen("http://127.0.0.1:%s/models" % sys.argv[1]))["models"]
got = [(m["name"], m["version"], m["format"], m["activation"]) for m in models]
want = [("cancer", "1", "sklearn", "binary"), ("iris", "1", "sklearn", "softmax"), ("iris", "2", "safetensors", "softmax")]
assert got == want, got
latest = json.load(urllib.request.urlopen("http://127.0.0.1:%s/models/iris" % sys.argv[1]))
assert latest["version"] == "2" and latest["inputs"] == 4 and latest["outputs"] == 3, latest
PY
    check "every sample's class equals predict" "$python" - "$port" "$work" << 'PY'
import json, os, sys, urllib.request, joblib
from sklearn.datasets import load_breast_cancer, load_iris
port, work = sys.argv[1], sys.argv[2]
def post(body):
    request = urllib.request.Request("http://127.0.0.1:%s/classify" % port, json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request))
for name, data, model in [("iris", load_iris(), "iris.joblib"), ("cancer", load_breast_cancer(), "cancer.joblib")]:
    estimator = joblib.load(os.path.join(work, model))
    answer = post({"model": name, "version": "1", "input": data.data.tolist()})
    classes = [r["class"] for r in answer["results"]]
    assert classes == estimator.predict(data.data).tolist(), name
    labels = [r["label"] for r in answer["results"]]
    assert labels == [str(c) for c in estimator.predict(data.data).tolist()], name
PY
    check "an unknown model is 404" bash -c "[[ \$(curl -s -o /dev/null -w '%{http_code}' localhost:$port/models/nope) == 404 ]]"
    kill "$pid"
else
    check "logitd starts with a Triton-like repository" false
fi

if start --model-dir "$work/kserve"; then
    check "a KServe mount with one file" bash -c "curl -sf localhost:$port/models/model | grep -q '\"inputs\":4'"
    kill "$pid"
else
    check "logitd starts with a KServe-like folder" false
fi

# A bad file stops start-up with status 2 and one line naming it.
printf '{"weights": [[1, 2], [3]]}' > "$work/bad.json"
"$bin" --port 0 --model "$work/bad.json" > /dev/null 2> "$work/bad.err"
status=$?
check "a bad model exits 2" test "$status" -eq 2
check "with one line naming the file" bash -c "[[ \$(wc -l < '$work/bad.err') -eq 1 ]] && grep -q '$work/bad.json: weights\[1\] has 1 elements but weights\[0\] has 2' '$work/bad.err'"

# SIGHUP: a new model appears; a broken file keeps the old set.
mkdir -p "$work/live"
cp "$work/repo/cancer.json" "$work/live/a.json"
if start --model-dir "$work/live"; then
    cp "$work/repo/cancer.json" "$work/live/b.json"
    kill -HUP "$pid"
    ok=false
    for _ in $(seq 50); do
        curl -sf "localhost:$port/models/b" > /dev/null && { ok=true; break; }
        sleep 0.1
    done
    check "SIGHUP adds a model" $ok
    printf '{"weights": [[1]' > "$work/live/c.json"
    kill -HUP "$pid"
    ok=false
    for _ in $(seq 50); do
        curl -s "localhost:$port/metrics" | grep -q 'logitd_model_reloads_total{result="failure"} 1' && { ok=true; break; }
        sleep 0.1
    done
    check "a broken reload is counted" $ok
    check "and keeps the old set" bash -c "curl -sf localhost:$port/models | grep -q '\"name\":\"b\"'"
    kill "$pid"
else
    check "logitd starts with a live folder" false
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
