#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets that read files and framed bodies (Fuzz/corpus/TARGET/NAME):

  logitd       logitd JSON models: scikit-learn fits written in logitd's form (every activation, labels,
               threshold, name), and the JSON model files of Tests/LogitModelsTests (served and refused)
  sklearn      scikit-learn exports by scripts/export_sklearn.py (the fixtures, wine, a binary fit, string
               and numeric classes), and refused variants
  safetensors  files written by the `safetensors` package (F64, F32, F16, BF16 weights; torch-style
               `linear.weight`/`linear.bias`; __metadata__; other tensors of every dtype), the fixtures
  oip          inference requests as tritonclient builds them (InferenceServerClient.generate_request_body):
               every input datatype, binary and JSON, outputs with binary_data and class_count; as
               `Inference-Header-Content-Length value LF body` (Fuzz/InferenceRequestFuzz.swift)
  inflate      gzip and zlib data of real request bodies, as Python's gzip and zlib (tritonclient's
               request_compression_algorithm) write them, several members, a file name, bombs; after
               the mode byte of Fuzz/InflateFuzz.swift

Needs the packages of scripts/requirements (numpy, scikit-learn, safetensors, tritonclient). Rerun after
changing the fixtures:
    "$(scripts/venv.sh)" Fuzz/file_seeds.py
"""
import gzip
import io
import json
import os
import re
import shutil
import struct
import sys
import zlib

import ml_dtypes
import numpy as np
import tritonclient.http as httpclient
from safetensors.numpy import save
from sklearn.datasets import load_breast_cancer, load_iris, load_wine
from sklearn.linear_model import LogisticRegression

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
FIXTURES = os.path.join(ROOT, "Tests", "LogitModelsTests", "Fixtures")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from export_sklearn import export  # noqa: E402

LIMIT = 64 * 1024  # the inflate target's limit
corpora = {}


def add(target, name, data):
    if isinstance(data, str):
        data = data.encode()
    assert len(data) < 64 * 1024, (target, name, len(data))
    corpora.setdefault(target, {})[name] = data


def fixture(name):
    with open(os.path.join(FIXTURES, name), "rb") as f:
        return f.read()


def dump(value):
    return json.dumps(value, separators=(",", ":"))


# MARK: models

X_iris, y_iris = load_iris(return_X_y=True)
iris = LogisticRegression(max_iter=1000).fit(X_iris, y_iris)
X_wine, y_wine = load_wine(return_X_y=True)
wine = LogisticRegression(max_iter=5000).fit(X_wine / X_wine.max(axis=0), y_wine)
X_cancer, y_cancer = load_breast_cancer(return_X_y=True)
cancer = LogisticRegression(max_iter=5000).fit(X_cancer[:, :6] / X_cancer[:, :6].max(axis=0), y_cancer)
iris_names = ["setosa", "versicolor", "virginica"]

# sklearn: the exports as scripts/export_sklearn.py writes them.
add("sklearn", "iris-fixture", fixture("iris.json"))
add("sklearn", "breast-cancer-fixture", fixture("breast_cancer.json"))
add("sklearn", "wine", json.dumps(export(wine, name="wine")))
add("sklearn", "cancer-binary", json.dumps(export(cancer)))
strings = LogisticRegression(max_iter=1000).fit(X_iris, np.array(iris_names)[y_iris])
add("sklearn", "iris-string-classes", json.dumps(export(strings, name="iris.strings")))
floats = export(iris)
floats["classes"] = [0.5, 1.5, True]
add("sklearn", "float-bool-classes", json.dumps(floats))
refused = export(iris)
refused["classes"] = [0, 1]
add("sklearn", "refused-classes", json.dumps(refused))
refused = export(iris)
refused["intercept"] = refused["intercept"][:2]
add("sklearn", "refused-intercept", json.dumps(refused))
add("sklearn", "refused-binary-classes", '{"coef": [[1, 2]], "intercept": [0], "classes": [0, 1, 2]}')
add("sklearn", "refused-both-forms", '{"coef": [[1]], "weights": [[1]], "classes": [0, 1]}')
add("sklearn", "refused-unknown", '{"coef": [[1]], "intercept": [0], "classes": [0, 1], "penalty": "l2"}')
add("sklearn", "minimal-binary", '{"coef":[[-1e-300]],"classes":["no","yes"]}')

# logitd: the same fits in logitd's form, and the test files.
def logitd_form(model, **extra):
    return json.dumps({"weights": model.coef_.tolist(), "bias": model.intercept_.tolist(), **extra})


add("logitd", "iris-softmax-labels", logitd_form(iris, name="iris", activation="softmax", labels=iris_names))
add("logitd", "wine-none", logitd_form(wine, name="wine", activation="none"))
add("logitd", "iris-sigmoid-threshold", logitd_form(iris, activation="sigmoid", threshold=0.25))
add("logitd", "cancer-binary", logitd_form(cancer, name="cancer", activation="binary", labels=["benign", "malignant"]))
add("logitd", "unicode-labels", '{"weights":[[1,-0.0],[5e-324,1e308]],"labels":["\\u00e9\\ud83d\\ude00","\\n\\"\\\\"]}')
add("logitd", "pretty", '{\n  "name": "pretty",\n  "weights": [\n    [1.5e-3, -2E+2]\n  ],\n  "bias": [ 0 ]\n}\n')
add("logitd", "minimal", '{"weights":[[1]]}')
# A refusal quoting the file's text was two lines (the target checks every refusal is one).
add("logitd", "regression-two-line-activation", '{"weights":[[1]],"activation":"a\\nb"}')
for test in ("ModelSourcesTests.swift", "ModelDecodingTests.swift", "ModelRegistryTests.swift"):
    with open(os.path.join(ROOT, "Tests", "LogitModelsTests", test)) as f:
        source = f.read()
    for i, m in enumerate(re.finditer(r'#"(\{.*?)"#', source)):
        if '"weights"' in m.group(1) and '"dtype"' not in m.group(1):
            add("logitd", "%s-%02d" % (test.split(".")[0], i), m.group(1))

# safetensors: written by the safetensors package.
w = iris.coef_
b = iris.intercept_
labels = dump(iris_names)
add("safetensors", "iris-f64-fixture", fixture("iris_f64.safetensors"))
add("safetensors", "iris-f32-fixture", fixture("iris_f32.safetensors"))
add("safetensors", "iris-f16-fixture", fixture("iris_f16.safetensors"))
add("safetensors", "iris-bf16-fixture", fixture("iris_bf16.safetensors"))
add("safetensors", "linear-f32-torch-names", save(
    {"linear.weight": w.astype(np.float32), "linear.bias": b.astype(np.float32)}, metadata={"format": "pt"}))
add("safetensors", "sigmoid-threshold", save(
    {"weight": w, "bias": b}, metadata={"activation": "sigmoid", "threshold": "0.25", "labels": labels}))
add("safetensors", "chosen-weight-and-others", save(
    {"head.weight": w.astype(np.float16), "head.bias": b.astype(np.float16),
     "other.weight": np.ones((2, 2), dtype=np.float32), "steps": np.array([7], dtype=np.int64),
     "mask": np.array([True, False]), "bytes": np.arange(3, dtype=np.uint8),
     "i16": np.arange(2, dtype=np.int16), "u32": np.arange(2, dtype=np.uint32), "scalar": np.array(1.5)},
    metadata={"logitd.weight": "head.weight", "activation": "softmax"}))
add("safetensors", "binary", save(
    {"weight": cancer.coef_, "bias": cancer.intercept_}, metadata={"activation": "binary", "labels": '["no","yes"]'}))
add("safetensors", "weight-only-empty-other", save({"weight": w[:1], "empty": np.zeros((0, 3))}))
add("safetensors", "refused-int-weight", save({"weight": np.arange(4, dtype=np.int32).reshape(2, 2)}))
add("safetensors", "refused-nan", save({"weight": np.array([[1.0, np.nan]])}))
add("safetensors", "refused-two-weights", save({"a.weight": np.ones((1, 1)), "b.weight": np.ones((1, 1))}))
add("safetensors", "refused-bias-shape", save({"weight": w, "bias": b[:2]}))
stf = bytearray(save({"weight": w}))
add("safetensors", "refused-truncated", bytes(stf[:-3]))
header = b'{"weight":{"dtype":"F64","shape":[2305843009213693952,2],"data_offsets":[0,16]}}'
add("safetensors", "refused-overflowing-shape", struct.pack("<Q", len(header)) + header + bytes(16))

# MARK: inference requests (tritonclient)

generate = httpclient.InferenceServerClient.generate_request_body
rng = np.random.default_rng(20)
examples = {
    "BOOL": np.array([[True, False, True, True]]),
    "UINT8": rng.integers(0, 255, (2, 4)).astype(np.uint8),
    "UINT16": rng.integers(0, 65535, (2, 4)).astype(np.uint16),
    "UINT32": np.array([[0, 1, 4294967295, 7]], dtype=np.uint32),
    "UINT64": np.array([[0, 1, 18446744073709551615, 7]], dtype=np.uint64),
    "INT8": np.array([[-128, 127, 0, -1]], dtype=np.int8),
    "INT16": np.array([[-32768, 32767, 0, -1]], dtype=np.int16),
    "INT32": rng.integers(-1000, 1000, (3, 4)).astype(np.int32),
    "INT64": np.array([[-9223372036854775808, 9223372036854775807, 0, -1]], dtype=np.int64),
    "FP16": X_iris[:2].astype(np.float16),
    "FP32": X_iris[:3].astype(np.float32),
    "FP64": X_iris[:3],
}


def request(inputs, outputs=None, **options):
    body, json_size = generate(inputs, outputs=outputs, **options)
    value = b"" if json_size is None else str(json_size).encode()
    return value + b"\n" + body


for datatype, array in examples.items():
    for binary in (True, False) if datatype != "FP16" else (True,):
        tensor = httpclient.InferInput("input", list(array.shape), datatype)
        tensor.set_data_from_numpy(array, binary_data=binary)
        add("oip", "%s-%s" % (datatype.lower(), "binary" if binary else "json"), request([tensor]))
bf16 = httpclient.InferInput("input", [1, 4], "BF16")
bf16.set_data_from_numpy(X_iris[:1].astype(ml_dtypes.bfloat16))
add("oip", "bf16-binary", request([bf16]))
tensor = httpclient.InferInput("input", [4], "FP64")
tensor.set_data_from_numpy(X_iris[0])
outputs = [httpclient.InferRequestedOutput("probabilities", class_count=2),
           httpclient.InferRequestedOutput("label", binary_data=False)]
add("oip", "outputs-class-count", request([tensor], outputs=outputs, request_id="req-7"))
tensor = httpclient.InferInput("input", [3, 4], "FP32")
tensor.set_data_from_numpy(X_iris[:3].astype(np.float32), binary_data=False)
add("oip", "outputs-binary-json-input", request(
    [tensor], outputs=[httpclient.InferRequestedOutput("logits"), httpclient.InferRequestedOutput("class")]))
# Refused framings.
iris_binary = request([httpclient.InferInput("input", [1, 4], "FP64").set_data_from_numpy(X_iris[:1])])
value, body = iris_binary.split(b"\n", 1)
add("oip", "refused-header-past-body", str(len(body) + 1).encode() + b"\n" + body)
add("oip", "refused-no-field", body)
add("oip", "refused-short-blob", value + b"\n" + body[:-1])
add("oip", "refused-not-a-count", b"12a\n" + body)
for name, shape in (("overflow", [4611686018427387904, 4]), ("overflow-bytes", [1152921504606846976, 2]),
                    ("negative", [-1, 4]), ("rank3", [1, 2, 2])):
    header = dump({"inputs": [{"name": "x", "shape": shape, "datatype": "FP64",
                               "parameters": {"binary_data_size": 64}}]}).encode()
    add("oip", "refused-shape-" + name, str(len(header)).encode() + b"\n" + header + bytes(64))
add("oip", "refused-both", b'\n{"inputs":[{"name":"x","shape":[1],"datatype":"FP64","data":[1],'
    b'"parameters":{"binary_data_size":8}}]}')
add("oip", "refused-shared-memory", b'\n{"inputs":[{"name":"x","shape":[1],"datatype":"FP64",'
    b'"parameters":{"shared_memory_region":"r"}}]}')

# MARK: compressed bodies


def mode(coding, level):
    return bytes([(0 if coding == "gzip" else 1) | (level << 1)])


bodies = {name: data.split(b"\n", 1)[1] for name, data in corpora["oip"].items()
          if name in ("fp64-json", "fp32-binary", "int64-binary", "outputs-class-count")}
with open(os.path.join(ROOT, "Fuzz", "corpus", "classify", "seed-00"), "rb") as f:
    bodies["classify"] = f.read()
bodies["iris-model"] = corpora["logitd"]["iris-softmax-labels"]
for name, content in bodies.items():
    add("inflate", name + "-gzip", mode("gzip", 6) + gzip.compress(content, compresslevel=6, mtime=0))
    add("inflate", name + "-deflate", mode("deflate", 6) + zlib.compress(content, 6))
content = bodies["fp64-json"]
add("inflate", "gzip-level1", mode("gzip", 1) + gzip.compress(content, compresslevel=1, mtime=0))
add("inflate", "deflate-level9", mode("deflate", 9) + zlib.compress(content, 9))
add("inflate", "gzip-stored", mode("gzip", 0) + gzip.compress(content, compresslevel=0, mtime=0))
add("inflate", "gzip-two-members", mode("gzip", 6) + gzip.compress(content[:20], mtime=0) + gzip.compress(content[20:], mtime=0))
add("inflate", "gzip-empty-member", mode("gzip", 6) + gzip.compress(b"", mtime=0) + gzip.compress(content, mtime=0))
buffer = io.BytesIO()
with gzip.GzipFile(filename="body.json", mode="wb", fileobj=buffer, mtime=1700000000) as f:
    f.write(content)
add("inflate", "gzip-file-name", mode("gzip", 6) + buffer.getvalue())
add("inflate", "gzip-trailing-garbage", mode("gzip", 6) + gzip.compress(content, mtime=0) + b"\x00\x00")
add("inflate", "gzip-truncated", mode("gzip", 6) + gzip.compress(content, mtime=0)[:-5])
add("inflate", "deflate-bad-check", mode("deflate", 6) + zlib.compress(content)[:-1] + b"\x00")
add("inflate", "gzip-at-limit", mode("gzip", 9) + gzip.compress(bytes(LIMIT), 9, mtime=0))
add("inflate", "gzip-limit-plus-one", mode("gzip", 9) + gzip.compress(bytes(LIMIT + 1), 9, mtime=0))
add("inflate", "deflate-bomb-1mib", mode("deflate", 9) + zlib.compress(bytes(1 << 20), 9))
# Found by the target: content one byte over the limit, then a bad CRC, was `invalid` (400), not `tooLarge`.
over = bytearray(gzip.compress(bytes(LIMIT + 1), 9, mtime=0))
over[-8] ^= 0xFF
add("inflate", "regression-over-by-one-bad-crc", mode("gzip", 9) + bytes(over))
add("inflate", "gzip-bomb-members", mode("gzip", 9) + gzip.compress(bytes(40000), 9, mtime=0) * 2)

for target, seeds in corpora.items():
    folder = os.path.join(ROOT, "Fuzz", "corpus", target)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for name, data in seeds.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
    print(target, len(seeds), "seeds,", sum(map(len, seeds.values())), "bytes")
