#!/usr/bin/env python3
"""The numbers in openapi.yaml's examples, computed rather than typed.

Every example of a compute endpoint starts from the seed's logits
[0.49671415, -0.1382643, 0.64768854, 1.52302986, -0.23415337]. Each result is
computed with mpmath at 50 significant digits from the exact Double inputs, then
rounded once to the nearest Double and written with Python's repr, the shortest
form that reads back to the same Double, which is how logitd prints numbers.
These are the true values: the service is allowed an ulp or so (API.md, issue 2),
so a live response may differ from an example in its last digit.

Where a result feeds a later step (a linear layer's logits, then their softmax),
the later step starts from the rounded Doubles, as the service does, so that the
printed logits and probabilities agree with each other.

    python3 scripts/openapi_examples.py           # prints every example as JSON
    python3 scripts/openapi_examples.py --check   # compares with openapi.yaml (needs PyYAML)

The names are the example names in openapi.yaml: each appears under the operation's
request body and under its 200 response.
"""

import json
import math
import sys
from pathlib import Path

from mpmath import mp, mpf
from mpmath.libmp import to_float

mp.dps = 50

SEED = [0.49671415, -0.1382643, 0.64768854, 1.52302986, -0.23415337]
LABELS = ["cat", "dog", "fox", "owl", "bee"]
# A second row for the batch examples: logits far from 0, which a softmax that did not
# subtract the maximum first would overflow on.
BIG_ROW = [1000, 1001, 1002, 1003, 1004]
# A small linear layer: 2 outputs from the 5 seed inputs, and a second input row for it.
WEIGHTS = [[0.5, -1, 0.25, 2, 0], [-0.5, 0.75, 1, -0.25, 1.5]]
BIAS = [0.1, -0.2]
SMALL_ROW = [0.1, -0.2, 0.3, -0.4, 0.5]


def double(x):
    """The Double nearest to the mpmath value `x` (round half to even)."""
    value = to_float(mpf(x)._mpf_, rnd="n")
    assert math.isfinite(value), x
    return value


def sigmoid(row):
    return [1 / (1 + mp.exp(-mpf(x))) for x in row]


def sigmoid_derivative(row):
    # σ′(x) = σ(x)·σ(−x), exactly at this precision.
    return [s * (1 - s) for s in sigmoid(row)]


def softmax(row, temperature=1.0):
    z = [mpf(x) / mpf(temperature) for x in row]
    top = max(z)
    e = [mp.exp(v - top) for v in z]
    total = mp.fsum(e)
    return [v / total for v in e]


def log_softmax(row, temperature=1.0):
    z = [mpf(x) / mpf(temperature) for x in row]
    top = max(z)
    log_total = mp.log(mp.fsum(mp.exp(v - top) for v in z))
    return [v - top - log_total for v in z]


def linear(weights, bias, row):
    return [mp.fsum(mpf(w) * mpf(x) for w, x in zip(w_row, row)) + mpf(b) for w_row, b in zip(weights, bias)]


def doubles(values):
    return [double(v) for v in values]


def classify_softmax(row, labels=None, top_k=1):
    p = doubles(softmax(row))
    # Most probable first, ties broken by the lower index (a stable sort on -p).
    order = sorted(range(len(p)), key=lambda i: -p[i])[:top_k]

    def entry(i):
        out = {"class": i}
        if labels is not None:
            out["label"] = labels[i]
        out["probability"] = p[i]
        return out

    result = entry(order[0])
    result["probabilities"] = p
    result["top"] = [entry(i) for i in order]
    return result


def classify_sigmoid(row, labels=None, threshold=0.5):
    p = doubles(sigmoid(row))
    # Predicted 1 only when the probability is strictly greater than the threshold.
    predictions = [1 if v > threshold else 0 for v in p]
    result = {"predictions": predictions, "probabilities": p}
    if labels is not None:
        result["labels"] = [name for name, bit in zip(labels, predictions) if bit == 1]
    return result


def examples():
    """Named request/response pairs, in the order they appear in openapi.yaml."""
    batch = [SEED, BIG_ROW]
    layer_logits = doubles(linear(WEIGHTS, BIAS, SEED))
    return {
        "sigmoid-vector": {
            "request": {"logits": SEED},
            "response": {"probabilities": doubles(sigmoid(SEED))},
        },
        "sigmoid-bare-array": {
            "request": SEED,
            "response": {"probabilities": doubles(sigmoid(SEED))},
        },
        "sigmoid-derivative": {
            "request": {"logits": SEED, "derivative": True},
            "response": {
                "probabilities": doubles(sigmoid(SEED)),
                "derivatives": doubles(sigmoid_derivative(SEED)),
            },
        },
        "softmax-vector": {
            "request": {"logits": SEED},
            "response": {"probabilities": doubles(softmax(SEED))},
        },
        "softmax-log": {
            "request": {"logits": SEED, "log": True},
            "response": {
                "probabilities": doubles(softmax(SEED)),
                "log_probabilities": doubles(log_softmax(SEED)),
            },
        },
        "softmax-temperature": {
            "request": {"logits": SEED, "temperature": 0.5},
            "response": {"probabilities": doubles(softmax(SEED, 0.5))},
        },
        "softmax-batch": {
            "request": {"logits": batch},
            "response": {"probabilities": [doubles(softmax(row)) for row in batch]},
        },
        "linear-softmax": {
            "request": {"weights": WEIGHTS, "bias": BIAS, "input": SEED, "activation": "softmax"},
            "response": {"logits": layer_logits, "probabilities": doubles(softmax(layer_logits))},
        },
        "linear-batch": {
            "request": {"weights": WEIGHTS, "input": [SEED, SMALL_ROW]},
            "response": {"logits": [doubles(linear(WEIGHTS, [0, 0], row)) for row in [SEED, SMALL_ROW]]},
        },
        "classify-softmax": {
            "request": {"logits": SEED, "labels": LABELS, "top_k": 2},
            "response": classify_softmax(SEED, LABELS, top_k=2),
        },
        "classify-sigmoid": {
            "request": {"logits": SEED, "activation": "sigmoid", "threshold": 0.5, "labels": LABELS},
            "response": classify_sigmoid(SEED, LABELS, threshold=0.5),
        },
        "classify-batch": {
            "request": {"logits": batch, "labels": LABELS},
            "response": {"results": [classify_softmax(row, LABELS) for row in batch]},
        },
        "classify-layer": {
            "request": {"weights": WEIGHTS, "bias": BIAS, "input": SEED, "activation": "sigmoid"},
            "response": classify_sigmoid(layer_logits),
        },
    }


def document_examples(document):
    """(operation, name) → {"request": value, "response": value} from the document's examples."""
    found = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            for name, example in body.get("examples", {}).items():
                found.setdefault(name, {})["request"] = example["value"]
            ok = operation["responses"].get("200", {}).get("content", {}).get("application/json", {})
            for name, example in ok.get("examples", {}).items():
                found.setdefault(name, {})["response"] = example["value"]
    return found


def same(a, b):
    """Equal as JSON values, with numbers compared bit for bit (1 and 1.0 are the same number)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def check(path):
    import yaml

    document = yaml.safe_load(Path(path).read_text())
    found = document_examples(document)
    failures = 0
    for name, expected in examples().items():
        for part in ("request", "response"):
            if name not in found or part not in found[name]:
                print(f"{name}: no {part} example in {path}")
                failures += 1
            elif not same(found[name][part], expected[part]):
                print(f"{name}: the {part} differs from the computed one:\n  {json.dumps(expected[part])}")
                failures += 1
    print(f"{len(examples())} examples checked, {failures} problems")
    return failures == 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--check"]:
        default = Path(__file__).resolve().parent.parent / "openapi.yaml"
        sys.exit(0 if check(sys.argv[2] if len(sys.argv) > 2 else default) else 1)
    for name, pair in examples().items():
        print(f"# {name}")
        print("request: " + json.dumps(pair["request"]))
        print("response: " + json.dumps(pair["response"]))
