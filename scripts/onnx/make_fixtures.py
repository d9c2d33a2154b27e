#!/usr/bin/env python3
"""Writes the ONNX fixtures of Tests/LogitModelsTests/Fixtures/onnx/ and their references.

    .venv/bin/python scripts/onnx/make_fixtures.py   (the venv from scripts/venv.sh: scripts/requirements/pip-onnx.txt)

For every served fixture NAME.onnx it writes NAME.json:
  - "expect": what the loader must make of the file (activation, shape, labels, input name, storage);
  - "inputs": rows the test feeds (exactly representable in the model's input dtype);
  - "logits", "probabilities": 50-digit mpmath values as [nearest Double, (exact − it)/ulp], computed here from the weights as stored in the file
    (read back with onnx.numpy_helper, float32/float16 taken exactly), independently of logitd's loader.
    "probabilities" are the activation of the logits rounded to Double (the served path applies σ/softmax to
    Double logits), so a test can hold them to a few ulps whatever the dot product's rounding was;
  - "ort": onnxruntime's answers for the same rows (classes, and its float32/float64 probabilities or
    outputs), for the class comparison and the float32 difference.
Refused graphs go to refused/NAME.onnx; the tests hold the message for each.

Sources of the graphs:
  - scikit-learn LogisticRegression on iris (3 classes, multinomial) and breast cancer (binary), converted by
    skl2onnx's to_onnx with zipmap on and off, integer and string labels, float32 and float64 inputs;
  - PyTorch-style heads built with onnx.helper node for node as torch.onnx.export (torch 2.13.0+cpu,
    dynamo=False, its default opset 20, IR 9) writes nn.Linear (+ Softmax(dim=-1) / Sigmoid /
    LogSoftmax(dim=1)): Gemm(alpha=1, beta=1, transB=1) over raw_data initializers "fc.weight" (m×n) and
    "fc.bias", nodes "/fc/Gemm", "/act/Softmax"; Linear(bias=False) as MatMul against the transposed weight
    "onnx::MatMul_N"; with a 3-D input MatMul then Add(bias, product), which the "matmul" fixtures
    reproduce on 2-D inputs; .half() and .double() as Gemm over float16/float64 initializers. (torch is
    not a PyPI install here, so it is not a requirement; its exports were compared by hand.)
"""

import json
import math
import os
import sys
from pathlib import Path

import mpmath
import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from skl2onnx import to_onnx
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.linear_model import LogisticRegression

mpmath.mp.dps = 50
root = Path(__file__).resolve().parents[2]
out = root / "Tests/LogitModelsTests/Fixtures/onnx"
refused_dir = out / "refused"


def digits(x):
    """A 50-digit value as [hi, frac]: the nearest Double and (x − hi)/ulp(hi), as LogitMathTests' fixtures
    write references, so a test measures its error in ulps without extended precision."""
    hi = float(x)
    ulp = math.ulp(hi) if hi != 0 else 5e-324
    return [hi, round(float((x - mpmath.mpf(hi)) / ulp), 6)]


def exact(v):
    """A float (numpy float16/32/64 or Python float) as an exact mpmath number."""
    return mpmath.mpf(float(v))


def reference(W, b, rows, activation, alpha=1.0, beta=1.0):
    """Logits alpha·W·x + beta·b at 50 digits, and the activation of those logits rounded to Double."""
    logits, probabilities = [], []
    for x in rows:
        z = []
        for j in range(W.shape[0]):
            s = mpmath.fsum(exact(W[j, i]) * exact(x[i]) for i in range(W.shape[1]))
            z.append(exact(alpha) * s + exact(beta) * exact(b[j]))
        logits.append([digits(v) for v in z])
        zd = [mpmath.mpf(float(v)) for v in z]  # what a correctly rounded dot product serves
        if activation == "softmax":
            top = max(zd)
            e = [mpmath.exp(v - top) for v in zd]
            s = mpmath.fsum(e)
            p = [v / s for v in e]
        elif activation == "sigmoid":
            p = [1 / (1 + mpmath.exp(-v)) for v in zd]
        elif activation == "binary":
            p = [1 / (1 + mpmath.exp(zd[0])), 1 / (1 + mpmath.exp(-zd[0]))]
        else:
            p = None
        probabilities.append(None if p is None else [digits(v) for v in p])
    return logits, probabilities


def run_ort(model, rows, dtype):
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    results = session.run(None, {name: np.asarray(rows, dtype=dtype)})
    return {o.name: r for o, r in zip(session.get_outputs(), results)}


def plain(values):
    """onnxruntime's outputs as JSON: numbers as Python floats (float32 values widen exactly), labels as is."""
    if isinstance(values, list):  # ZipMap: a list of {label: probability}
        return [[float(p) for p in row.values()] for row in values]
    a = np.asarray(values)
    if a.dtype.kind in "iu":
        return [int(v) for v in a.ravel()]
    if a.dtype.kind in "OUS":
        return [str(v) for v in a.ravel()]
    return [[float(v) for v in row] for row in a.reshape(a.shape[0], -1)]


def save(name, model, expect, rows, W, b, activation, ort_outputs, alpha=1.0, beta=1.0):
    out.mkdir(parents=True, exist_ok=True)
    # skl2onnx lists the opsets in set order, which varies from run to run: sorted, the files are reproducible.
    opsets = sorted(model.opset_import, key=lambda o: o.domain)
    del model.opset_import[:]
    model.opset_import.extend(opsets)
    onnx.save(model, str(out / f"{name}.onnx"))
    logits, probabilities = reference(W, b, rows, activation, alpha, beta)
    doc = {
        "expect": expect,
        "inputs": [[float(v) for v in x] for x in rows],
        "logits": logits,
        "probabilities": probabilities if activation != "none" else None,
        "ort": {k: plain(v) for k, v in ort_outputs.items()},
    }
    (out / f"{name}.json").write_text(json.dumps(doc, separators=(",", ":")) + "\n")


# --- scikit-learn -----------------------------------------------------------------------------------------


def sklearn_weights(model):
    """W (m×n) and b as stored in the file: LinearClassifier's float attributes, or the double form's
    MatMul/Add initializers (coef is n×m: W is its transpose)."""
    g = model.graph
    for node in g.node:
        if node.op_type == "LinearClassifier":
            attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
            c = np.array(attrs["coefficients"], dtype=np.float32)
            b = np.array(attrs["intercepts"], dtype=np.float32)
            return c.reshape(len(b), -1), b
    inits = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    return inits["coef"].T, inits["intercept"].ravel()


def sklearn_fixtures():
    datasets = {
        "iris": (load_iris(), ["setosa", "versicolor", "virginica"], 3),
        "cancer": (load_breast_cancer(), ["malignant", "benign"], 8),
    }
    for dataset, (data, names, step) in datasets.items():
        X, y = data.data, data.target
        rows_all = X[::step]
        for labels in ("ints", "strings"):
            target = y if labels == "ints" else np.array(names)[y]
            clf = LogisticRegression(max_iter=10000).fit(X, target)
            for dtype in (np.float32, np.float64):
                for zipmap in (False, True):
                    model = to_onnx(clf, X[:1].astype(dtype), options={"zipmap": zipmap}, target_opset=17)
                    rows = rows_all.astype(dtype)
                    W, b = sklearn_weights(model)
                    binary = len(clf.classes_) == 2
                    if binary:
                        # skl2onnx writes the binary score as rows [-w, w] (and intercepts [-b, b]): served
                        # as the one score z = w·x + b.
                        assert np.array_equal(W[0], -W[1]) and b[0] == -b[1], "expected [-w, w] rows"
                        W, b = W[1:], b[1:]
                    activation = "binary" if binary else "softmax"
                    name = f"{dataset}-{labels}-{'float' if dtype == np.float32 else 'double'}"
                    name += "-zipmap" if zipmap else ""
                    expect = {
                        "activation": activation,
                        "inputs": X.shape[1],
                        "outputs": W.shape[0],
                        "labels": [str(c) for c in clf.classes_],
                        "inputName": "X",
                        "storage": "FP32" if dtype == np.float32 else "FP64",
                    }
                    if zipmap and dtype == np.float64:
                        # onnxruntime's ZipMap takes float only, so it refuses this graph skl2onnx writes; the
                        # same weights without the ZipMap (the fixture just made) give its classes.
                        answers = previous
                    else:
                        answers = run_ort(model, rows, dtype)
                    previous = answers
                    save(name, model, expect, rows, W, b, activation, answers)


# --- PyTorch-style heads -----------------------------------------------------------------------------------

torch_opset = [helper.make_opsetid("", 20)]


def torch_model(nodes, initializers, n, m, dtype=TensorProto.FLOAT, out_name="output"):
    graph = helper.make_graph(
        nodes,
        "main_graph",
        [helper.make_tensor_value_info("input", dtype, ["batch_size", n])],
        [helper.make_tensor_value_info(out_name, dtype, ["batch_size", m])],
        initializer=initializers,
    )
    model = helper.make_model(graph, opset_imports=torch_opset, producer_name="pytorch", producer_version="2.13.0")
    model.ir_version = 9
    onnx.checker.check_model(model)
    return model


def tensor(name, array, raw=True):
    if raw:
        return numpy_helper.from_array(array, name)
    dtype = {np.float32: TensorProto.FLOAT, np.float64: TensorProto.DOUBLE}[array.dtype.type]
    return helper.make_tensor(name, dtype, array.shape, array.ravel().tolist())


def torch_fixtures():
    rng = np.random.default_rng(20261202)
    n, m = 8, 5
    # nn.Linear's initialisation: U(-1/sqrt(n), 1/sqrt(n)) for weight and bias.
    bound = 1 / np.sqrt(n)
    W32 = rng.uniform(-bound, bound, (m, n)).astype(np.float32)
    b32 = rng.uniform(-bound, bound, m).astype(np.float32)
    rows32 = (rng.normal(0, 2, (40, n))).astype(np.float32)
    heads = {"": ("none", None), "-softmax": ("softmax", "Softmax"), "-sigmoid": ("sigmoid", "Sigmoid"),
             "-logsoftmax": ("softmax", "LogSoftmax")}
    for suffix, (activation, op) in heads.items():
        for form in ("gemm", "matmul"):
            if form == "gemm":
                nodes = [helper.make_node("Gemm", ["input", "fc.weight", "fc.bias"], ["/fc/Gemm_output_0" if op else "output"],
                                          name="/fc/Gemm", alpha=1.0, beta=1.0, transB=1)]
                inits = [tensor("fc.weight", W32), tensor("fc.bias", b32)]
            else:
                nodes = [helper.make_node("MatMul", ["input", "onnx::MatMul_6"], ["/fc/MatMul_output_0"], name="/fc/MatMul"),
                         helper.make_node("Add", ["fc.bias", "/fc/MatMul_output_0"], ["/fc/Add_output_0" if op else "output"],
                                          name="/fc/Add")]
                inits = [tensor("fc.bias", b32), tensor("onnx::MatMul_6", np.ascontiguousarray(W32.T))]
            if op:
                last = nodes[-1].output[0]
                kwargs = {"axis": 1} if op != "Sigmoid" else {}
                nodes.append(helper.make_node(op, [last], ["output"], name=f"/act/{op}", **kwargs))
            model = torch_model(nodes, inits, n, m)
            expect = {"activation": activation, "inputs": n, "outputs": m, "labels": None, "inputName": "input",
                      "storage": "FP32"}
            save(f"torch-{form}{suffix}", model, expect, rows32, W32, b32, activation,
                 run_ort(model, rows32, np.float32))

    # Half precision (model.half()): float16 initializers, widened exactly.
    W16, b16, rows16 = W32.astype(np.float16), b32.astype(np.float16), rows32.astype(np.float16)
    nodes = [helper.make_node("Gemm", ["input", "fc.weight", "fc.bias"], ["/fc/Gemm_output_0"], name="/fc/Gemm",
                              alpha=1.0, beta=1.0, transB=1),
             helper.make_node("Softmax", ["/fc/Gemm_output_0"], ["output"], name="/act/Softmax", axis=-1)]
    model = torch_model(nodes, [tensor("fc.weight", W16), tensor("fc.bias", b16)], n, m, TensorProto.FLOAT16)
    expect = {"activation": "softmax", "inputs": n, "outputs": m, "labels": None, "inputName": "input",
              "storage": "FP32"}
    save("torch-gemm-float16-softmax", model, expect, rows16, W16, b16, "softmax", run_ort(model, rows16, np.float16))

    # Double precision (model.double()).
    W64, b64 = rng.uniform(-bound, bound, (m, n)), rng.uniform(-bound, bound, m)
    rows64 = rng.normal(0, 2, (40, n))
    nodes = [helper.make_node("Gemm", ["input", "fc.weight", "fc.bias"], ["/fc/Gemm_output_0"], name="/fc/Gemm",
                              alpha=1.0, beta=1.0, transB=1),
             helper.make_node("Sigmoid", ["/fc/Gemm_output_0"], ["output"], name="/act/Sigmoid")]
    model = torch_model(nodes, [tensor("fc.weight", W64), tensor("fc.bias", b64)], n, m, TensorProto.DOUBLE)
    expect = {"activation": "sigmoid", "inputs": n, "outputs": m, "labels": None, "inputName": "input",
              "storage": "FP64"}
    save("torch-gemm-double-sigmoid", model, expect, rows64, W64, b64, "sigmoid", run_ort(model, rows64, np.float64))

    # A general Gemm: alpha, beta, B not transposed (n×m), typed float_data instead of raw_data, a [1, m] bias.
    alpha, beta = 0.75, 1.5
    nodes = [helper.make_node("Gemm", ["input", "B", "C"], ["scores"], name="gemm", alpha=alpha, beta=beta, transB=0),
             helper.make_node("Softmax", ["scores"], ["output"], name="softmax", axis=-1)]
    inits = [tensor("B", np.ascontiguousarray(W32.T), raw=False), tensor("C", b32.reshape(1, m), raw=False)]
    model = torch_model(nodes, inits, n, m)
    expect = {"activation": "softmax", "inputs": n, "outputs": m, "labels": None, "inputName": "input",
              "storage": "FP32"}
    save("gemm-alpha-beta-typed", model, expect, rows32, W32, b32, "softmax", run_ort(model, rows32, np.float32),
         alpha=alpha, beta=beta)

    # nn.Linear(bias=False): MatMul alone.
    nodes = [helper.make_node("MatMul", ["input", "onnx::MatMul_3"], ["output"], name="/fc/MatMul")]
    model = torch_model(nodes, [tensor("onnx::MatMul_3", np.ascontiguousarray(W32.T))], n, m)
    expect = {"activation": "none", "inputs": n, "outputs": m, "labels": None, "inputName": "input",
              "storage": "FP32"}
    save("torch-matmul-nobias", model, expect, rows32, W32, np.zeros(m, np.float32), "none",
         run_ort(model, rows32, np.float32))
    return W32, b32, n, m


# --- Refused graphs ---------------------------------------------------------------------------------------


def refused_fixtures(W32, b32, n, m):
    refused_dir.mkdir(parents=True, exist_ok=True)
    gemm = helper.make_node("Gemm", ["input", "fc.weight", "fc.bias"], ["h"], name="/fc/Gemm", transB=1)
    inits = [tensor("fc.weight", W32), tensor("fc.bias", b32)]

    def graph(nodes, initializers, inputs=None, dtype=TensorProto.FLOAT, out_name="output", out_dims=None):
        inputs = inputs or [helper.make_tensor_value_info("input", dtype, ["batch_size", n])]
        g = helper.make_graph(nodes, "main_graph", inputs,
                              [helper.make_tensor_value_info(out_name, dtype, out_dims or ["batch_size", m])],
                              initializer=initializers)
        model = helper.make_model(g, opset_imports=torch_opset + [helper.make_opsetid("ai.onnx.ml", 3)])
        model.ir_version = 8
        return model

    def save_refused(name, model):
        (refused_dir / f"{name}.onnx").write_bytes(model.SerializeToString())

    # An MLP's hidden layer: Gemm then Relu.
    save_refused("relu", graph([gemm, helper.make_node("Relu", ["h"], ["output"], name="/act/Relu")], inits))
    # A convolution.
    conv = helper.make_node("Conv", ["input", "w"], ["output"], name="/conv/Conv", kernel_shape=[1, 1])
    cw = numpy_helper.from_array(np.ones((m, n, 1, 1), np.float32), "w")
    save_refused("conv", graph([conv], [cw], inputs=[helper.make_tensor_value_info("input", TensorProto.FLOAT,
                                                                                   [1, n, 4, 4])],
                               out_dims=[1, m, 4, 4]))
    # Two graph inputs.
    second = helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["batch_size", m])
    mul = helper.make_node("Gemm", ["input", "fc.weight", "fc.bias"], ["output"], name="/fc/Gemm", transB=1)
    save_refused("second-input", graph([mul], inits, inputs=[
        helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch_size", n]), second]))
    # External data: the weight's bytes in a file beside the model.
    ext = tensor("fc.weight", W32)
    ext.ClearField("raw_data")
    ext.data_location = TensorProto.EXTERNAL
    for k, v in {"location": "weights.bin", "offset": "0", "length": str(W32.nbytes)}.items():
        entry = ext.external_data.add()
        entry.key, entry.value = k, v
    save_refused("external-data", graph([mul], [ext, tensor("fc.bias", b32)]))
    # Weights stored as int8 (a quantized head): an unsupported dtype.
    q = numpy_helper.from_array(np.round(W32 * 100).astype(np.int8), "fc.weight")
    save_refused("int8-weight", graph([mul], [q, tensor("fc.bias", b32)]))
    # A bias of m + 1 elements for an m-row weight.
    save_refused("bias-shape", graph([mul], [tensor("fc.weight", W32),
                                             tensor("fc.bias", np.append(b32, np.float32(0)))]))
    # raw_data shorter than the dims say.
    short = tensor("fc.weight", W32)
    short.raw_data = short.raw_data[:-4]
    save_refused("raw-data-short", graph([mul], [short, tensor("fc.bias", b32)]))
    # The input's declared width differs from the weight's.
    save_refused("input-width", graph([mul], inits, inputs=[
        helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch_size", n + 1])]))
    # nn.Linear over a 3-D input [batch, seq, n], as torch writes it: MatMul, Add; rows of rows are not served.
    nodes = [helper.make_node("MatMul", ["input", "onnx::MatMul_6"], ["p"], name="/fc/MatMul"),
             helper.make_node("Add", ["fc.bias", "p"], ["output"], name="/fc/Add")]
    save_refused("rank3-input", graph(nodes, [tensor("fc.bias", b32), tensor("onnx::MatMul_6", np.ascontiguousarray(W32.T))],
                                      inputs=[helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch_size", 3, n])],
                                      out_dims=["batch_size", 3, m]))
    # Softmax over the batch axis: not a per-row classifier.
    save_refused("softmax-axis0", graph([gemm, helper.make_node("Softmax", ["h"], ["output"], name="/act/Softmax",
                                                                axis=0)], inits))
    # One-vs-rest: LOGISTIC per class, then L1 normalisation, which is neither σ nor softmax.
    lc = helper.make_node("LinearClassifier", ["input"], ["label", "scores"], name="LinearClassifier",
                          domain="ai.onnx.ml", coefficients=W32.ravel().tolist(), intercepts=b32.tolist(),
                          classlabels_ints=list(range(m)), post_transform="LOGISTIC", multi_class=0)
    norm = helper.make_node("Normalizer", ["scores"], ["output"], name="Normalizer", domain="ai.onnx.ml",
                            norm="L1")
    g = helper.make_graph([lc, norm], "ovr", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [None, n])],
                          [helper.make_tensor_value_info("label", TensorProto.INT64, [None]),
                           helper.make_tensor_value_info("output", TensorProto.FLOAT, [None, m])])
    model = helper.make_model(g, opset_imports=torch_opset + [helper.make_opsetid("ai.onnx.ml", 1)])
    model.ir_version = 8
    save_refused("one-vs-rest", model)


if __name__ == "__main__":
    sklearn_fixtures()
    refused_fixtures(*torch_fixtures())
    print(f"wrote {len(list(out.glob('*.onnx')))} fixtures and {len(list(refused_dir.glob('*.onnx')))} refused "
          f"graphs to {out.relative_to(root)}", file=sys.stderr)
