"""The model folder of soak.py's `--models` mode: model files written and rewritten while the load runs, the
answers each model must give, and the requests that ask for them (native, V2 JSON, V2 binary, compressed).
Standard library only.

A pool of names, each with a fixed input width n (so a request never has the wrong width, whichever generation
of the model answers it) and a fixed number of outputs m. Each rewrite of a name is a new *generation*: new
random weights, and a format and activation picked at random: logitd JSON, scikit-learn JSON or safetensors
(F64, or F32 with float weights), flat (`NAME.EXT`) or in Triton's layout (`NAME/VERSION/model.EXT`, versions
1 and 2). Files are written to a dot-file and renamed, so a reload never sees half a file; a *malformed* file
(a truncated JSON, shapes that disagree, a safetensors header that runs past the end, an unknown format) is
written whole on purpose, and the reload after it must fail and keep the old set.
"""

import gzip
import json
import math
import os
import random
import shutil
import struct
import zlib

# ---- the models ----------------------------------------------------------------------------------


class Generation:
    """One content of one model: weights m×n, bias, activation; the answers it gives."""

    def __init__(self, r: random.Random, name: str, n: int, m: int, serial: int):
        self.name, self.n, self.m, self.serial = name, n, m, serial
        self.fmt = r.choice(["logitd", "sklearn", "safetensors-f64", "safetensors-f32"])
        if self.fmt == "sklearn":
            self.activation = "binary" if m == 1 else "softmax"
        elif m == 1:
            self.activation = r.choice(["binary", "sigmoid", "none"])
        else:
            self.activation = r.choice(["softmax", "sigmoid", "none"])
        if self.fmt == "safetensors-f64" and self.activation == "binary":
            self.activation = "sigmoid"  # safetensors has no binary activation
        if self.fmt == "safetensors-f32" and self.activation == "binary":
            self.activation = "sigmoid"
        f32 = self.fmt == "safetensors-f32"

        def value(scale):
            v = r.uniform(-scale, scale)
            return struct.unpack("<f", struct.pack("<f", v))[0] if f32 else v

        self.weights = [[value(2.0) for _ in range(n)] for _ in range(m)]
        self.bias = [value(1.0) for _ in range(m)]
        self.labels = [f"{name}-c{i}" for i in range(self.classes)] if r.random() < 0.5 else None
        if self.fmt == "sklearn":
            self.labels = [str(i) for i in range(self.classes)]

    @property
    def classes(self) -> int:
        return 2 if self.activation == "binary" else self.m

    def file_bytes(self) -> tuple[str, bytes]:
        """(extension, content)."""
        if self.fmt == "logitd":
            body = {"weights": self.weights, "bias": self.bias, "activation": self.activation}
            if self.labels:
                body["labels"] = self.labels
            return "json", json.dumps(body).encode()
        if self.fmt == "sklearn":
            body = {"coef": self.weights, "intercept": self.bias, "classes": [int(c) for c in self.labels]}
            return "json", json.dumps(body).encode()
        code, dtype, size = ("<d", "F64", 8) if self.fmt == "safetensors-f64" else ("<f", "F32", 4)
        metadata = {"activation": self.activation}
        if self.labels:
            metadata["labels"] = json.dumps(self.labels)
        w = b"".join(struct.pack(code, v) for row in self.weights for v in row)
        b = b"".join(struct.pack(code, v) for v in self.bias)
        return "safetensors", safetensors({"weight": (dtype, [self.m, self.n], w), "bias": (dtype, [self.m], b)},
                                          metadata)

    def logits(self, x: list) -> list:
        return [math.fsum([w * v for w, v in zip(row, x)] + [b]) for row, b in zip(self.weights, self.bias)]

    def probabilities(self, x: list, classify: bool = False) -> list:
        """The `probabilities` output: softmax for softmax and none (V2 and /classify), σ per logit for sigmoid,
        [σ(−z), σ(z)] for binary."""
        z = self.logits(x)
        if self.activation == "sigmoid":
            return [sigmoid(v) for v in z]
        if self.activation == "binary":
            return [sigmoid(-z[0]), sigmoid(z[0])]
        top = max(z)
        e = [math.exp(v - top) for v in z]
        s = math.fsum(e)
        return [v / s for v in e]


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


def close(got: list, want: list) -> bool:
    """Agreement to ~1e-9 relative: enough to tell one generation from another, and far looser than the ulps
    the differential check holds logitd to (this only asks "the right model, whole")."""
    return len(got) == len(want) and all(
        isinstance(g, (int, float)) and abs(g - w) <= 1e-9 * max(abs(w), 1e-300) + 1e-300 for g, w in zip(got, want))


def safetensors(tensors: dict, metadata: dict) -> bytes:
    header, data, offset = {}, b"", 0
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        data += raw
        offset += len(raw)
    header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


MALFORMED = [
    ("json", b'{"weights": [[1, 2], [3, 4]], "bias": [1, 2'),  # truncated
    ("json", b'{"weights": [[1, 2], [3, 4]], "bias": [1, 2, 3]}'),  # bias of the wrong length
    ("json", b'{"weights": [[1, 2], [3]]}'),  # ragged
    ("json", b'{"weights": [[1, 1e400]]}'),  # not finite
    ("json", b'{"weights": [[1, 2]], "activaton": "softmax"}'),  # unknown field
    ("safetensors", struct.pack("<Q", 1 << 40) + b"{}"),  # header length past the end
    ("safetensors", safetensors({"weight": ("F64", [2, 2], b"\0" * 16)}, {})),  # offsets short of the shape
    ("json", b"\x89PNG\r\n\x1a\n not a model"),  # unknown format
]


# ---- the folder ----------------------------------------------------------------------------------


class Folder:
    """The model folder and what it holds: `present[(name, version)] = Generation`."""

    def __init__(self, root: str, seed: int, names: int = 10):
        self.root = root
        self.r = random.Random(seed * 104729 + 17)
        self.shapes = {}
        for i in range(names):
            # A few wide heads, so that answers reach the 1 KiB gzip threshold.
            n = self.r.choice([1, 2, 4, 7, 16, 64, 200])
            m = self.r.choice([1, 2, 3, 5, 10, 40])
            self.shapes[f"m{i}"] = (n, m)
        self.triton = {name for name in self.shapes if self.r.random() < 0.3}
        self.present: dict = {}
        self.history: dict = {}  # (name, version) → every generation written, for messages
        self.serial = 0
        self.malformed_path = None
        for name in self.shapes:
            if self.r.random() < 0.7:
                self.put(name, 1)
                if name in self.triton and self.r.random() < 0.5:
                    self.put(name, 2)
        if not self.present:
            self.put("m0", 1)

    def names(self) -> list:
        return sorted(self.shapes)

    def path(self, name: str, version: int, ext: str) -> str:
        if name in self.triton:
            return os.path.join(self.root, name, str(version), f"model.{ext}")
        return os.path.join(self.root, f"{name}.{ext}")

    def _remove_files(self, name: str, version: int) -> None:
        if name in self.triton:
            shutil.rmtree(os.path.join(self.root, name, str(version)), ignore_errors=True)
            try:
                os.rmdir(os.path.join(self.root, name))  # only when no version is left
            except OSError:
                pass
        else:
            for ext in ("json", "safetensors"):
                try:
                    os.unlink(os.path.join(self.root, f"{name}.{ext}"))
                except FileNotFoundError:
                    pass

    def put(self, name: str, version: int) -> None:
        """Adds or replaces a version with a new generation: written to a dot-file, then renamed."""
        n, m = self.shapes[name]
        self.serial += 1
        g = Generation(self.r, name, n, m, self.serial)
        ext, data = g.file_bytes()
        if (name, version) in self.present:
            self._remove_files(name, version)
        target = self.path(name, version, ext)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        tmp = os.path.join(os.path.dirname(target), f".tmp-{self.serial}")
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, target)
        self.present[(name, version)] = g
        self.history.setdefault((name, version), []).append(g)

    def remove(self, name: str, version: int) -> None:
        self._remove_files(name, version)
        del self.present[(name, version)]

    def mutate(self, malformed: bool) -> str:
        """One rewrite between two reloads: a few adds, replaces and removes, never an empty folder; with
        `malformed`, also a broken file (the reload must fail); without it, the broken file of last time goes."""
        done = []
        if self.malformed_path:
            os.unlink(self.malformed_path)
            self.malformed_path = None
            done.append("malformed removed")
        for _ in range(self.r.randint(1, 3)):
            name = self.r.choice(self.names())
            versions = [1, 2] if name in self.triton else [1]
            version = self.r.choice(versions)
            if (name, version) in self.present and len(self.present) > 1 and self.r.random() < 0.35:
                self.remove(name, version)
                done.append(f"removed {name}/{version}")
            else:
                what = "replaced" if (name, version) in self.present else "added"
                self.put(name, version)
                g = self.present[(name, version)]
                done.append(f"{what} {name}/{version} (generation {g.serial}, {g.fmt}, {g.activation})")
        if malformed:
            ext, data = self.r.choice(MALFORMED)
            self.malformed_path = os.path.join(self.root, f"broken.{ext}")
            with open(self.malformed_path, "wb") as f:
                f.write(data)
            done.append(f"malformed broken.{ext}")
        return ", ".join(done)

    def served(self) -> dict:
        """What a successful reload serves now: (name, version) → Generation."""
        return dict(self.present)


def resolve(served: dict, name: str, version):
    """The generation a request for `name` (and `version`, or the latest when None) gets from a served set."""
    if version is not None:
        return served.get((name, version))
    versions = [v for (n, v) in served if n == name]
    return served[(name, max(versions))] if versions else None


# ---- the requests --------------------------------------------------------------------------------


def features(r: random.Random, n: int, rows: int) -> list:
    return [[r.uniform(-3, 3) for _ in range(n)] for _ in range(rows)]


def model_request(r: random.Random, name: str, version, n: int):
    """(method, path, body, headers, x rows, kind, decode) of one request to a served model; `decode(headers,
    body)` turns a 200 answer into (kind, [rows of numbers]) to compare with a generation's answers."""
    rows = r.choice([1, 1, 2, 5, 20])
    x = features(r, n, rows)
    kind = r.choice(["classify", "linear", "v2-json", "v2-binary"])
    headers = {}
    vpath = "" if version is None else f"/versions/{version}"
    if kind == "classify" or kind == "linear":
        body = {"model": name, "input": x[0] if rows == 1 else x}
        if version is not None:
            body["version"] = str(version)
        path = "/" + kind
        data = json.dumps(body).encode()
    elif kind == "v2-json":
        path = f"/v2/models/{name}{vpath}/infer"
        data = json.dumps({"id": "s", "inputs": [{"name": "input", "datatype": "FP64", "shape": [rows, n],
                                                  "data": [v for row in x for v in row]}]}).encode()
    else:
        path = f"/v2/models/{name}{vpath}/infer"
        blob = struct.pack(f"<{rows * n}d", *[v for row in x for v in row])
        header = json.dumps({"inputs": [{"name": "input", "datatype": "FP64", "shape": [rows, n],
                                         "parameters": {"binary_data_size": len(blob)}}],
                             "parameters": {"binary_data_output": True}}).encode()
        headers["Inference-Header-Content-Length"] = str(len(header))
        headers["Content-Type"] = "application/octet-stream"
        data = header + blob
    return "POST", path, data, headers, x, kind


def compress(r: random.Random, data: bytes, headers: dict) -> bytes:
    """Sometimes gzip or deflate (zlib) the request body, sometimes ask for a gzip answer."""
    coding = r.choice([None, None, "gzip", "deflate"])
    if coding == "gzip":
        data = gzip.compress(data, compresslevel=1)
        headers["Content-Encoding"] = "gzip"
    elif coding == "deflate":
        data = zlib.compress(data, 1)
        headers["Content-Encoding"] = "deflate"
    if r.random() < 0.5:
        headers["Accept-Encoding"] = r.choice(["gzip", "gzip, deflate", "*"])
    return data


def decoded_body(headers: dict, body: bytes) -> bytes:
    coding = headers.get("content-encoding", "").lower()
    if coding == "gzip":
        return gzip.decompress(body)
    if coding:
        raise ValueError(f"unexpected Content-Encoding {coding!r}")
    return body


def answers(kind: str, headers: dict, body: bytes) -> dict:
    """The numbers of a 200 answer: {"logits": rows, "probabilities": rows} (whichever it has)."""
    if kind == "v2-binary":
        length = int(headers["inference-header-content-length"])
        head = json.loads(body[:length])
        out, offset = {}, length
        for o in head["outputs"]:
            size = o["parameters"]["binary_data_size"]
            blob = body[offset : offset + size]
            offset += size
            if o["datatype"] == "FP64":
                k, w = o["shape"]
                flat = struct.unpack(f"<{k * w}d", blob)
                out[o["name"]] = [list(flat[i * w : (i + 1) * w]) for i in range(k)]
        if offset != len(body):
            raise ValueError(f"binary answer of {len(body)} bytes, blobs end at {offset}")
        return out
    doc = json.loads(body)
    if kind == "v2-json":
        out = {}
        for o in doc["outputs"]:
            if o["datatype"] == "FP64":
                k, w = o["shape"]
                out[o["name"]] = [o["data"][i * w : (i + 1) * w] for i in range(k)]
        return out
    if kind == "linear":
        rows = doc["logits"]
        return {"logits": rows if isinstance(rows[0], list) else [rows]}
    results = doc["results"] if "results" in doc else [doc]
    return {"probabilities": [res["probabilities"] for res in results]}


def matches(g: Generation, kind: str, x: list, got: dict) -> str | None:
    """None when `got` is what generation `g` answers for rows `x`; else why not."""
    if kind == "linear" and not got.get("logits"):
        return "no logits"
    for output, rows in got.items():
        for row, xi in zip(rows, x):
            want = g.logits(xi) if output == "logits" else g.probabilities(xi)
            if not close(row, want):
                return f"{output} {row[:4]} != {want[:4]}"
        if len(rows) != len(x):
            return f"{output} has {len(rows)} rows for {len(x)}"
    return None
