"""ONNX files as users make them, served by a logitd binary and compared with onnxruntime on every sample.

    python onnx_check.py PATH/TO/logitd

Exports, into a Triton-like repository: iris (float, zipmap, string labels) and breast cancer (double,
integer labels) with skl2onnx, and a torch-style nn.Linear + Softmax head (Gemm, as torch.onnx.export
writes it). Starts logitd --model-dir on a free port, then checks /models, and for every sample /classify's
label and probabilities against onnxruntime's (classes equal; probabilities within the model's float
precision), and the V2 infer answer against /classify. Finally a Relu graph must stop logitd with exit 2
and one line naming the file, node and op. Prints one line per check and `N passed, N failed`.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from skl2onnx import to_onnx
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.linear_model import LogisticRegression

binary = sys.argv[1]
passed = failed = 0


def check(name, condition, detail=""):
    global passed, failed
    passed, failed = (passed + 1, failed) if condition else (passed, failed + 1)
    print(f"{'ok  ' if condition else 'FAIL'}  {name} {'' if condition else detail}")


def save(model, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    onnx.save(model, path)
    return model


def post(port, path, body):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())


def start(*arguments):
    """logitd on a free port: (process, port), or (process, None) when it exits first."""
    process = subprocess.Popen([binary, "--port", "0", *arguments], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    line = process.stdout.readline()
    if not line.startswith("listening on "):
        return process, None
    return process, int(line.strip().rsplit(":", 1)[1])


with tempfile.TemporaryDirectory() as repo:
    X, y = load_iris(return_X_y=True)
    iris = LogisticRegression(max_iter=1000).fit(X, np.array(["setosa", "versicolor", "virginica"])[y])
    Xc, yc = load_breast_cancer(return_X_y=True)
    cancer = LogisticRegression(max_iter=10000).fit(Xc, yc)
    rng = np.random.default_rng(3)
    W = rng.uniform(-0.35, 0.35, (5, 8)).astype(np.float32)
    b = rng.uniform(-0.35, 0.35, 5).astype(np.float32)
    head = helper.make_model(helper.make_graph(
        [helper.make_node("Gemm", ["input", "fc.weight", "fc.bias"], ["/fc/Gemm_output_0"], name="/fc/Gemm",
                          alpha=1.0, beta=1.0, transB=1),
         helper.make_node("Softmax", ["/fc/Gemm_output_0"], ["output"], name="/act/Softmax", axis=-1)],
        "main_graph", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch_size", 8])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch_size", 5])],
        initializer=[numpy_helper.from_array(W, "fc.weight"), numpy_helper.from_array(b, "fc.bias")]),
        opset_imports=[helper.make_opsetid("", 20)])
    cases = {
        "iris": (save(to_onnx(iris, X[:1].astype(np.float32), options={"zipmap": True}),
                      f"{repo}/iris/1/model.onnx"), X.astype(np.float32), 1e-5),
        "cancer": (save(to_onnx(cancer, Xc[:1], options={"zipmap": False}), f"{repo}/cancer/1/model.onnx"),
                   Xc, 1e-12),
        "head": (save(head, f"{repo}/head.onnx"), rng.normal(0, 2, (50, 8)).astype(np.float32), 1e-5),
    }
    with open(f"{repo}/iris/config.pbtxt", "w") as f:
        f.write('name: "iris"\n')

    process, port = start("--model-dir", repo)
    check("logitd starts on the repository", port is not None, process.stderr.read() if port is None else "")
    if port is not None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/models") as response:
                models = {m["name"]: m for m in json.loads(response.read())["models"]}
            check("/models lists the three as onnx",
                  sorted(models) == ["cancer", "head", "iris"] and all(m["format"] == "onnx" for m in models.values()),
                  f"{models}")
            check("activations", [models[n]["activation"] for n in ("iris", "cancer", "head")]
                  == ["softmax", "binary", "softmax"], f"{models}")
            for name, (model, rows, tolerance) in cases.items():
                session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
                answers = session.run(None, {session.get_inputs()[0].name: rows})
                scores = answers[-1]
                if isinstance(scores, list):  # ZipMap
                    scores = np.array([list(row.values()) for row in scores])
                results = post(port, "/classify", {"model": name, "input": rows.astype(np.float64).tolist()})["results"]
                ours = np.array([r["probabilities"] for r in results])
                if name == "head":
                    expected = [int(i) for i in np.argmax(scores, axis=1)]
                    check(f"{name}: every class equals onnxruntime's argmax",
                          [r["class"] for r in results] == expected)
                else:
                    expected = [str(label) for label in answers[0]]
                    check(f"{name}: every label equals onnxruntime's",
                          [r["label"] for r in results] == expected)
                difference = float(np.max(np.abs(ours - scores)))
                check(f"{name}: probabilities within {tolerance:g} of onnxruntime's (max {difference:.2e})",
                      difference <= tolerance)
                infer = post(port, f"/v2/models/{name}/infer", {"inputs": [{
                    "name": session.get_inputs()[0].name, "shape": list(rows.shape),
                    "datatype": "FP32" if rows.dtype == np.float32 else "FP64", "data": rows.tolist()}]})
                probabilities = next(o for o in infer["outputs"] if o["name"] == "probabilities")["data"]
                check(f"{name}: V2 infer equals /classify", probabilities == ours.ravel().tolist())
        finally:
            process.kill()
            process.wait()

    relu = f"{repo}/relu.onnx"
    save(helper.make_model(helper.make_graph(
        [helper.make_node("Gemm", ["input", "fc.weight", "fc.bias"], ["h"], name="/fc/Gemm", transB=1),
         helper.make_node("Relu", ["h"], ["output"], name="/act/Relu")],
        "mlp", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch_size", 8])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["batch_size", 5])],
        initializer=[numpy_helper.from_array(W, "fc.weight"), numpy_helper.from_array(b, "fc.bias")]),
        opset_imports=[helper.make_opsetid("", 20)]), relu)
    result = subprocess.run([binary, "--port", "0", "--model", relu], capture_output=True, text=True, timeout=30)
    lines = result.stderr.strip().splitlines()
    check("a Relu graph exits 2 with one line naming file, node and op",
          result.returncode == 2 and len(lines) == 1 and lines[0].startswith(f"{relu}: node '/act/Relu' (Relu)"),
          f"status {result.returncode}: {result.stderr!r}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
