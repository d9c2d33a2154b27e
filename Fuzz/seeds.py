#!/usr/bin/env python3
"""Writes the seed corpora of the endpoint and json fuzz targets (Fuzz/corpus/TARGET/seed-NN).

Sources: the request examples of openapi.yaml, the error cases of
Tests/LogitServiceTests/ErrorsTests.swift, and a few hand-written bodies per endpoint that reach
options and edge values the examples do not (batches, extreme numbers, every activation). The json
target gets all of them plus JSON-specific texts. Rerun after changing the examples or the tests:
    python3 Fuzz/seeds.py
"""
import json
import os
import re
import shutil

import yaml

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
seeds = {}

doc = yaml.safe_load(open(os.path.join(root, "openapi.yaml")))
for path, item in doc["paths"].items():
    post = item.get("post")
    if not post:
        continue
    examples = post.get("requestBody", {}).get("content", {}).get("application/json", {}).get("examples", {})
    for example in examples.values():
        seeds.setdefault(path.strip("/"), []).append(json.dumps(example["value"]))

source = open(os.path.join(root, "Tests/LogitServiceTests/ErrorsTests.swift")).read()
for m in re.finditer(r'Case\(\s*path: "/(\w+)", body: (#"(.*?)"#|"((?:[^"\\]|\\.)*)")', source, re.S):
    body = m.group(3) if m.group(3) is not None else bytes(m.group(4), "utf-8").decode("unicode_escape")
    seeds.setdefault(m.group(1), []).append(body)

extreme = "[1e308, -1e308, 5e-324, -0.0, 0, 1e-320, 745.2, -745.2, 36.7, -709.8]"
seeds["sigmoid"] += [
    '{"logits": %s, "derivative": true}' % extreme,
    '{"logits": [[1, 2], [3, 4], [-5, 6]], "derivative": false}',
    "[[0.5]]",
]
seeds["softmax"] += [
    '{"logits": %s, "log": true}' % extreme,
    '{"logits": [[1, 2, 3], [1000, 1001, 1002]], "temperature": 1e-300, "log": true}',
    '{"logits": [1e-300, -1e-300], "temperature": 1e300}',
    '{"logits": [0, 0, 0, 0], "temperature": 2.5, "log": false}',
    # x/T overflows, (x − max)/T does not: found by the fuzzer in the target's first reference.
    '{"logits": [[1999999999999002]], "temperature": 1e-300, "log": true}',
]
seeds["linear"] += [
    '{"weights": [[1, 2], [3, 4], [5, 6]], "bias": [0.5, -0.5, 1e-300], "input": [[1, -1], [0.5, 2]], "activation": "softmax"}',
    '{"weights": [[1e300, -1e300]], "input": [1e10, 1e10], "activation": "sigmoid"}',
    '{"weights": [[0.1, 0.2, 0.3]], "bias": [1], "input": [1, 2, 3], "activation": "none"}',
]
seeds["classify"] += [
    '{"logits": [[3, 1, 2], [0, 0, 0]], "top_k": 3, "labels": ["a", "b", "c"]}',
    '{"logits": [[3, -1], [0.2, 0]], "activation": "sigmoid", "threshold": 0.6, "labels": ["x", "y"]}',
    '{"weights": [[1, 2], [3, 4], [5, 6]], "bias": [0, 1, -1], "input": [[1, 0], [0, 1]], "activation": "sigmoid"}',
    '{"weights": [[1, 2], [3, 4]], "input": [1, 1], "top_k": 2, "labels": ["p", "q"]}',
    "[1, 1, 1]",
]
everything = [b for bodies in seeds.values() for b in bodies]
seeds["json"] = everything + [
    '{"a": [1, -0.0, 1e-7, 123456789012345678901234567890, 1.5e+300], "b": {"c": null}, "d": [true, false]}',
    r'"\u0000\u001f\"\\\/\b\f\n\r\t \ud83d\ude00 é € 𝄞"',
    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    ' \t\r\n {"" : ""} ',
    "0.1e1",
    "-12.5E-3",
    "[1,]",
    '{"a" 1}',
    "01",
    b'"\xed\xa0\x80"',
]

for target, bodies in seeds.items():
    folder = os.path.join(root, "Fuzz/corpus", target)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for i, body in enumerate(dict.fromkeys(bodies)):
        data = body.encode("utf-8", "surrogateescape") if isinstance(body, str) else body
        with open(os.path.join(folder, "seed-%02d" % i), "wb") as f:
            f.write(data)
    print(target, len(dict.fromkeys(bodies)))
