"""tritonclient[http] against a running logitd: every call a V2 client makes, answers compared with the
native /classify of the same model and rows (exact equality: both are the same Double computation).

    python tritonclient_check.py HOST:PORT [--compression] [--session]

Expects models `iris` (3 classes over 4 features) and `breast_cancer` (binary, 30 features) to be served.
Prints one line per check and ends with `N passed, N failed`; exits 1 on any failure. --compression adds
request_compression_algorithm gzip and deflate (with gzip responses). --session prints
the calls and their answers as a short, readable session instead (for docs/inference-protocol.md).
"""
import json
import sys
import urllib.error
import urllib.request

import numpy as np
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

URL = sys.argv[1]
IRIS = np.array([[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3], [7.7, 3.0, 6.1, 2.3]], dtype=np.float64)
CANCER = np.random.default_rng(7).uniform(0.0, 30.0, size=(4, 30))

passed = failed = 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
        print(f"ok    {name}")
    else:
        failed += 1
        print(f"FAIL  {name} {detail}")


def text(element):
    """A BYTES element: tritonclient gives bytes for binary outputs and str for JSON ones."""
    return element.decode() if isinstance(element, bytes) else element


def classify(model, rows, **options):
    """POST /classify with "model": the native answer, one result per row."""
    body = json.dumps({"model": model, "input": np.asarray(rows, dtype=np.float64).tolist(), **options}).encode()
    request = urllib.request.Request(f"http://{URL}/classify", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read())["results"]


def same_as_classify(result, model, rows, name):
    """The infer result's probabilities, class and label equal /classify's, exactly."""
    try:
        native = classify(model, rows)
    except urllib.error.HTTPError as error:
        check(f"{name}: /classify answers", False, f"{error}: {error.read()[:300]!r}")
        return
    probabilities = result.as_numpy("probabilities")
    check(f"{name}: probabilities equal /classify's",
          probabilities is not None and probabilities.tolist() == [r["probabilities"] for r in native],
          f"{probabilities} vs {[r['probabilities'] for r in native]}")
    classes = result.as_numpy("class")
    check(f"{name}: class equals /classify's",
          classes is not None and classes.tolist() == [r["class"] for r in native], f"{classes}")
    labels = result.as_numpy("label")
    check(f"{name}: label equals /classify's",
          labels is not None and [text(l) for l in labels] == [r["label"] for r in native], f"{labels}")


def main():
    client = httpclient.InferenceServerClient(url=URL)
    check("is_server_live", client.is_server_live())
    check("is_server_ready", client.is_server_ready())
    check("is_model_ready iris", client.is_model_ready("iris"))
    check("is_model_ready iris version 1", client.is_model_ready("iris", "1"))
    check("is_model_ready of an unknown model is false", not client.is_model_ready("no-such-model"))

    server = client.get_server_metadata()
    check("get_server_metadata", server["name"] == "logitd"
          and set(server["extensions"]) >= {"binary_tensor_data", "classification"}, f"{server}")
    metadata = client.get_model_metadata("iris")
    check("get_model_metadata iris", metadata["name"] == "iris" and metadata["versions"] == ["1"]
          and metadata["inputs"] == [{"name": "input", "datatype": "FP64", "shape": [-1, 4]}]
          and [o["name"] for o in metadata["outputs"]] == ["logits", "probabilities", "class", "label"], f"{metadata}")

    # The defaults: binary input, no outputs named, so every output comes back binary.
    tensor = httpclient.InferInput("input", list(IRIS.shape), "FP64")
    tensor.set_data_from_numpy(IRIS)
    result = client.infer("iris", [tensor])
    check("infer defaults: binary response", result.get_response().get("outputs")[0].get("parameters", {})
          .get("binary_data_size") is not None)
    same_as_classify(result, "iris", IRIS, "infer FP64 binary")

    # JSON both ways.
    tensor = httpclient.InferInput("input", list(IRIS.shape), "FP64")
    tensor.set_data_from_numpy(IRIS, binary_data=False)
    outputs = [httpclient.InferRequestedOutput(n, binary_data=False) for n in ("probabilities", "class", "label")]
    result = client.infer("iris", [tensor], outputs=outputs, request_id="json-1")
    check("infer JSON: id echoed and data in JSON", result.get_response()["id"] == "json-1"
          and "data" in result.get_response()["outputs"][0])
    same_as_classify(result, "iris", IRIS, "infer FP64 JSON")

    # FP32: the server reads floats and widens them exactly.
    floats = IRIS.astype(np.float32)
    for binary in (True, False):
        tensor = httpclient.InferInput("input", list(floats.shape), "FP32")
        tensor.set_data_from_numpy(floats, binary_data=binary)
        result = client.infer("iris", [tensor], model_version="1")
        same_as_classify(result, "iris", floats.astype(np.float64), f"infer FP32 {'binary' if binary else 'JSON'}")

    # The classification extension: the top 2 as "value:index:label", the value as Python's repr.
    tensor = httpclient.InferInput("input", list(IRIS.shape), "FP64")
    tensor.set_data_from_numpy(IRIS)
    result = client.infer("iris", [tensor], outputs=[httpclient.InferRequestedOutput("probabilities", class_count=2)])
    top = result.as_numpy("probabilities")
    try:
        expected = [[f"{t['probability']!r}:{t['class']}:{t['label']}" for t in r["top"]]
                    for r in classify("iris", IRIS, top_k=2)]
    except urllib.error.HTTPError as error:
        expected = f"/classify failed: {error}"
    check("infer class_count=2 equals /classify top_k=2",
          top is not None and [[text(s) for s in row] for row in top] == expected, f"{top} vs {expected}")

    # A binary model: one logit, two probabilities.
    tensor = httpclient.InferInput("input", list(CANCER.shape), "FP64")
    tensor.set_data_from_numpy(CANCER)
    result = client.infer("breast_cancer", [tensor])
    check("binary model: logits [k, 1]", result.as_numpy("logits").shape == (4, 1))
    same_as_classify(result, "breast_cancer", CANCER, "binary model")

    # Errors come back as exceptions with the server's message.
    try:
        client.infer("no-such-model", [tensor])
        check("unknown model raises", False)
    except InferenceServerException as error:
        check("unknown model raises with the server's message", "no-such-model" in str(error), str(error))
    try:
        tensor = httpclient.InferInput("input", [1, 3], "FP64")
        tensor.set_data_from_numpy(np.zeros((1, 3)))
        client.infer("iris", [tensor])
        check("a row of the wrong width raises", False)
    except InferenceServerException as error:
        check("a row of the wrong width raises naming both widths", "3" in str(error) and "4" in str(error), str(error))

    # Compression of the request body, and of the response.
    for algorithm in ("gzip", "deflate") if "--compression" in sys.argv else ():
        tensor = httpclient.InferInput("input", list(IRIS.shape), "FP64")
        tensor.set_data_from_numpy(IRIS)
        try:
            result = client.infer("iris", [tensor], request_compression_algorithm=algorithm,
                                  response_compression_algorithm="gzip")
            same_as_classify(result, "iris", IRIS, f"request_compression_algorithm={algorithm}")
        except InferenceServerException as error:
            check(f"request_compression_algorithm={algorithm}", False, str(error))

    print(f"tritonclient: {passed} passed, {failed} failed")
    return 1 if failed else 0


def session():
    """The calls a user makes first, printed as a Python session."""
    client = httpclient.InferenceServerClient(url=URL)
    steps = [
        ("client.is_server_live()", lambda: client.is_server_live()),
        ("client.is_model_ready('iris')", lambda: client.is_model_ready("iris")),
        ("client.get_server_metadata()", lambda: client.get_server_metadata()),
        ("client.get_model_metadata('iris')", lambda: client.get_model_metadata("iris")),
    ]
    for code, call in steps:
        print(f">>> {code}\n{call()!r}")
    x = IRIS[:2]
    print(">>> x = np.array([[5.1, 3.5, 1.4, 0.2], [6.2, 2.9, 4.3, 1.3]])")
    print(">>> tensor = httpclient.InferInput('input', [2, 4], 'FP64'); tensor.set_data_from_numpy(x)")
    tensor = httpclient.InferInput("input", [2, 4], "FP64")
    tensor.set_data_from_numpy(x)
    print(">>> result = client.infer('iris', [tensor])")
    result = client.infer("iris", [tensor])
    for name in ("probabilities", "class", "label"):
        print(f">>> result.as_numpy({name!r})\n{result.as_numpy(name)!r}")
    print(">>> top = httpclient.InferRequestedOutput('probabilities', class_count=2)")
    print(">>> client.infer('iris', [tensor], outputs=[top]).as_numpy('probabilities')")
    top = httpclient.InferRequestedOutput("probabilities", class_count=2)
    print(repr(client.infer("iris", [tensor], outputs=[top]).as_numpy("probabilities")))


if __name__ == "__main__":
    if "--session" in sys.argv:
        session()
    else:
        sys.exit(main())
