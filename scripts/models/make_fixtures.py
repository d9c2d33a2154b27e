#!/usr/bin/env python3
"""Writes Tests/LogitModelsTests/Fixtures: real scikit-learn models, safetensors files and 50-digit references.

- iris.json: LogisticRegression (multinomial, 3 classes) fitted on scikit-learn's bundled iris data,
  breast_cancer.json: the same fitted on the bundled breast cancer data (binary), both written by
  scripts/export_sklearn.py.
- iris_{f64,f32,f16,bf16}.safetensors: iris' coef_ and intercept_ rounded to each dtype (round to nearest
  even), written by the `safetensors` package, with labels and activation in __metadata__.
- one references file per model (iris.txt serves iris.json and iris_f64.safetensors, whose weights are the
  same Doubles). Per sample, '|'-separated:
      features | predict (class index) | predict_proba | served logits | exact logits | probabilities
  `served logits` are the Doubles logitd computes: its dot product's order of operations (LogitMath's
  `dot4`: four lanes summed in blocks of 64 columns, the lanes added pairwise, then the tail, then + bias),
  emulated here with Python floats, one IEEE operation each. `exact logits` are W·x + b in mpmath at 50
  digits from the stored weights, and `probabilities` are σ/softmax of the served logits at 50 digits,
  each as `hi frac` (the nearest Double and (exact − hi)/ulp(hi), see scripts/math/make_fixtures.py).
  predict and predict_proba are scikit-learn's own answers ("-" for the rounded dtypes).

Run from the repository root with the pins of scripts/requirements/pip-models.txt:
    .venv/bin/python scripts/models/make_fixtures.py                 # fit the models again, write everything
    .venv/bin/python scripts/models/make_fixtures.py --keep-models   # the references of the models as they are
(`--keep-models` after a change to LogitMath's order of operations: a new fit's last bits vary with the BLAS.)
"""
import json
import math
import os
import sys

import mpmath
import numpy as np
from mpmath import mp, mpf
from safetensors import TensorSpec, serialize
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.linear_model import LogisticRegression

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "scripts", "math"))
from export_sklearn import write  # noqa: E402
from make_fixtures import split  # noqa: E402  (the LogitMath fixtures' hi/frac writer)

mp.dps = 50
OUT = os.path.join(ROOT, "Tests", "LogitModelsTests", "Fixtures")


def served_dot(w, x):
    """LogitMath's dot4 for one row, operation for operation (Sources/LogitMath/Linear.swift): four lanes (column
    c in lane c mod 4), each summing blocks of 64 columns from zero and adding each block sum to its running
    total; the totals added pairwise; then the n mod 4 leftover columns in order."""
    n = len(x)
    full = n - n % 4
    totals = [0.0] * 4
    i = 0
    while i < full:
        end = min(i + 64, full)
        block = [0.0] * 4
        while i < end:
            for lane in range(4):
                block[lane] = block[lane] + w[i + lane] * x[i + lane]
            i += 4
        for lane in range(4):
            totals[lane] = totals[lane] + block[lane]
    total = (totals[0] + totals[1]) + (totals[2] + totals[3])
    while i < n:
        total = total + w[i] * x[i]
        i += 1
    return total


def sigma(z):
    return 1 / (1 + mpmath.exp(-z))


def probabilities(z, binary):
    """σ(−z), σ(z) for a binary model's one score; softmax otherwise; at 50 digits from exact Doubles."""
    if binary:
        return [sigma(-mpf(z[0])), sigma(mpf(z[0]))]
    e = [mpmath.exp(mpf(v)) for v in z]
    total = mpmath.fsum(e)
    return [v / total for v in e]


def references(path, weights, bias, X, binary, predict=None, proba=None):
    lines = ["# features | predict | predict_proba | served logits | exact logits (hi frac) | "
             "probabilities of the served logits (hi frac)"]
    for k, x in enumerate(X):
        x = [float(v) for v in x]
        served = [served_dot(w, x) + b for w, b in zip(weights, bias)]
        exact = [mpmath.fsum(mpf(a) * mpf(c) for a, c in zip(w, x)) + mpf(b) for w, b in zip(weights, bias)]
        p = probabilities(served, binary)
        fields = [" ".join(repr(v) for v in x),
                  "-" if predict is None else str(int(predict[k])),
                  "-" if proba is None else " ".join(repr(float(v)) for v in proba[k]),
                  " ".join(repr(v) for v in served),
                  " ".join(" ".join(split(v)) for v in exact),
                  " ".join(" ".join(split(v)) for v in p)]
        lines.append(" | ".join(fields))
    with open(os.path.join(OUT, path), "w") as fh:
        fh.write("\n".join(lines) + "\n")


def bfloat16_bits(values):
    """Round to nearest even from binary32 (binary64 → binary32 → bfloat16), as torch's .to(bfloat16) does."""
    bits = np.ascontiguousarray(values, dtype=np.float32).view(np.uint32).astype(np.uint64)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)


def widen_bfloat16(bits):
    return (bits.astype(np.uint32) << 16).view(np.float32).astype(np.float64)


def write_safetensors(path, prefix, weight, bias, dtype, metadata):
    """The file the `safetensors` package writes for these tensors; bfloat16 passed as its bit patterns."""
    if dtype == "bfloat16":
        arrays = {prefix + "weight": bfloat16_bits(weight), prefix + "bias": bfloat16_bits(bias)}
    else:
        arrays = {prefix + "weight": np.ascontiguousarray(weight, dtype=dtype),
                  prefix + "bias": np.ascontiguousarray(bias, dtype=dtype)}
    specs = {name: TensorSpec(dtype=dtype, shape=a.shape, data_ptr=a.ctypes.data, data_len=a.nbytes)
             for name, a in arrays.items()}
    with open(os.path.join(OUT, path), "wb") as fh:
        fh.write(bytes(serialize(specs, metadata=metadata)))
    if dtype == "bfloat16":
        return widen_bfloat16(arrays[prefix + "weight"]), widen_bfloat16(arrays[prefix + "bias"])
    return arrays[prefix + "weight"].astype(np.float64), arrays[prefix + "bias"].astype(np.float64)


def fitted(name, X, y, max_iter, keep):
    """LogisticRegression fitted on (X, y) and written as NAME.json; with `keep`, the model NAME.json already holds
    instead (its coef_ and intercept_ set, not fitted: a fit's last bits vary with the BLAS and its threads)."""
    path = os.path.join(OUT, name + ".json")
    if not keep:
        model = LogisticRegression(max_iter=max_iter).fit(X, y)
        write(model, path, name=name)
        return model
    with open(path) as fh:
        stored = json.load(fh)
    model = LogisticRegression()
    model.coef_ = np.array(stored["coef"])
    model.intercept_ = np.array(stored["intercept"])
    model.classes_ = np.array(stored["classes"])
    model.n_features_in_ = X.shape[1]
    return model


def main():
    keep = sys.argv[1:] == ["--keep-models"]
    if sys.argv[1:] and not keep:
        sys.exit("usage: make_fixtures.py [--keep-models]")
    os.makedirs(OUT, exist_ok=True)
    iris = load_iris()
    model = fitted("iris", iris.data, iris.target, 1000, keep)
    references("iris.txt", model.coef_.tolist(), model.intercept_.tolist(), iris.data, False,
               model.predict(iris.data), model.predict_proba(iris.data))

    labels = json.dumps([str(n) for n in iris.target_names])
    metadata = {"activation": "softmax", "labels": labels}
    for dtype, short, prefix in [("float64", "f64", ""), ("float32", "f32", "classifier."),
                                 ("float16", "f16", ""), ("bfloat16", "bf16", "head.")]:
        w, b = write_safetensors("iris_%s.safetensors" % short, prefix, model.coef_, model.intercept_, dtype,
                                 metadata)
        if short != "f64":
            references("iris_%s.txt" % short, w.tolist(), b.tolist(), iris.data, False)
        else:
            assert w.tolist() == model.coef_.tolist() and b.tolist() == model.intercept_.tolist()

    cancer = load_breast_cancer()
    binary = fitted("breast_cancer", cancer.data, cancer.target, 10000, keep)
    references("breast_cancer.txt", binary.coef_.tolist(), binary.intercept_.tolist(), cancer.data, True,
               binary.predict(cancer.data), binary.predict_proba(cancer.data))


if __name__ == "__main__":
    main()
