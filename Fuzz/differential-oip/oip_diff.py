#!/usr/bin/env python3
"""Differential check of logitd's Open Inference Protocol answers against NumPy and mpmath (50 digits).

    oip_diff.py --binary PATH [--seconds S] [--requests N] [--seed N] [--work DIR]

Writes random models into a temporary `--model-dir` (logitd JSON, scikit-learn JSON, safetensors in F64, F32,
F16 and BF16; random shapes; weights from 1e-300 to 1e300, subnormals, integers, zeros), starts logitd on it,
and sends random inputs, each case twice:

1. the *canonical* request: the input as FP64 binary, every output, binary answers. Checked against the
   references: logits against the exact W·x + b (products and sum exact, by FMA and math.fsum) within a dot
   product's error bound; probabilities against mpmath's softmax / σ / [σ(−z), σ(z)] of the logits logitd
   returned, within 4 ulp (softmax) and 1 ulp (sigmoid, binary), LogitMath's documented bars; `class` and
   `label` by the rule the protocol states, on the returned probabilities. A row whose exact logit is beyond
   the Double range must be a 400 naming it; one whose magnitudes cannot overflow must be a 200.
2. the *varied* request: the same values in another datatype (BOOL, INT8–64, UINT8–64, FP16, BF16, FP32,
   FP64; JSON or binary, flat or nested data, shape [k, n] or [n]), a random selection and order of outputs,
   some binary and some JSON, classification (K) on logits or probabilities, gzip/deflate bodies, gzip
   answers. Its numbers must be the canonical answer's, bit for bit, and its classification strings what the
   protocol derives from them ("value:index:label", most probable first, ties to the lower index).

Every SWAP_EVERY cases the folder is refilled with new models and logitd is sent SIGHUP. Any disagreement is
printed with the model file and the request (saved under --work) and the exit status is 1.
"""

import argparse
import gzip
import http.client
import json
import math
import operator
import os
import random
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from fractions import Fraction

import mpmath
import numpy as np

mpmath.mp.dps = 50
U = 2.0**-53
TINY = 2.0**-1074
MAX = sys.float_info.max
SWAP_EVERY = 400
INT_RANGES = {
    "INT8": (-(2**7), 2**7 - 1), "INT16": (-(2**15), 2**15 - 1), "INT32": (-(2**31), 2**31 - 1),
    "INT64": (-(2**63), 2**63 - 1), "UINT8": (0, 2**8 - 1), "UINT16": (0, 2**16 - 1), "UINT32": (0, 2**32 - 1),
    "UINT64": (0, 2**64 - 1),
}
STRUCT = {"INT8": "b", "INT16": "h", "INT32": "i", "INT64": "q", "UINT8": "B", "UINT16": "H", "UINT32": "I",
          "UINT64": "Q", "FP32": "f", "FP64": "d", "BOOL": "B"}


class Disagreement(Exception):
    pass


# ---- numbers -------------------------------------------------------------------------------------------


def ulp(x: float) -> float:
    x = abs(x)
    if x < 2.0**-1021:
        return TINY
    return math.ulp(x)


def wide_double(r: random.Random) -> float:
    """A Double from anywhere in the range: mostly moderate, sometimes huge, tiny, subnormal, integral or 0."""
    c = r.random()
    sign = -1.0 if r.random() < 0.5 else 1.0
    if c < 0.45:
        return r.uniform(-4, 4)
    if c < 0.6:
        return sign * 10.0 ** r.uniform(-300, 300)
    if c < 0.7:
        return sign * 10.0 ** r.uniform(100, 308.2)
    if c < 0.75:
        return sign * r.randint(1, 2**53) * TINY  # subnormal or tiny
    if c < 0.85:
        return float(r.randint(-1000, 1000))
    if c < 0.9:
        return 0.0
    return sign * 10.0 ** r.uniform(-20, 20)


def to_f32(x: float) -> float:
    return float(np.float32(x))


def to_f16(x: float) -> float:
    return float(np.float16(x))


def bf16_bits(x: float) -> int:
    """The BF16 nearest to x (ties to even), as 16 bits."""
    bits = struct.unpack("<I", struct.pack("<f", np.float32(x)))[0]
    bits += 0x7FFF + ((bits >> 16) & 1)
    return (bits >> 16) & 0xFFFF


def from_bf16(bits: int) -> float:
    return struct.unpack("<f", struct.pack("<I", bits << 16))[0]


def f32_nearest(literal: str) -> float:
    """The Float nearest to a decimal literal (ties to even), exactly."""
    exact = Fraction(literal)
    d = float(exact)
    f = np.float32(d)
    if not np.isfinite(f):
        return float(f)
    lo, hi = (f, np.nextafter(f, np.float32(np.inf))) if float(f) <= exact else (np.nextafter(f, np.float32(-np.inf)), f)
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return float(f)
    mid = (Fraction(float(lo)) + Fraction(float(hi))) / 2
    if exact < mid:
        return float(lo)
    if exact > mid:
        return float(hi)
    even = lo if struct.unpack("<I", struct.pack("<f", lo))[0] % 2 == 0 else hi
    return float(even)


SCALE = 2148  # every product of two Doubles is an integer multiple of 2^-2148


def scaled(x: float) -> int:
    """x·2^1074 as an exact integer (every finite Double is a multiple of 2^-1074)."""
    p, q = x.as_integer_ratio()
    return p << (1074 - (q.bit_length() - 1))


def exact_dot(w: list, x: list, b: int) -> tuple[int, int]:
    """(W·x + b, Σ|w·x| + |b|), both exactly, as integers in units of 2^-2148, from `scaled` w, x and b."""
    products = list(map(operator.mul, w, x))
    b <<= 1074
    return sum(products) + b, sum(map(abs, products)) + abs(b)


def softmax_ref(z: list) -> list:
    zs = [mpmath.mpf(v) for v in z]
    top = max(zs)
    e = [mpmath.exp(v - top) for v in zs]
    s = mpmath.fsum(e)
    return [v / s for v in e]


def sigmoid_ref(z: float) -> mpmath.mpf:
    return 1 / (1 + mpmath.exp(-mpmath.mpf(z)))


def ulps_off(got: float, want: mpmath.mpf) -> float:
    return float(abs(mpmath.mpf(got) - want) / ulp(float(want)))


# ---- models --------------------------------------------------------------------------------------------


class Model:
    def __init__(self, r: random.Random, name: str):
        self.name = name
        self.n = r.choice([1, 2, 3, 4, 5, 8, 9, 16, 17, 31, 64, 100, 257])
        self.m = r.choice([1, 1, 2, 3, 4, 7, 10, 16, 33, 100])
        fmt = r.choice(["logitd", "sklearn", "F64", "F32", "F16", "BF16"])
        self.fmt = fmt
        kinds = ["softmax", "sigmoid", "none"] + (["binary"] if self.m == 1 else [])
        self.activation = r.choice(kinds)
        if fmt == "sklearn":
            self.activation = "binary" if self.m == 1 else "softmax"
        if fmt in ("F64", "F32", "F16", "BF16") and self.activation == "binary":
            self.activation = "sigmoid"
        scale = r.choice(["narrow", "wide", "wide", "huge"])

        def weight():
            v = r.uniform(-3, 3) if scale == "narrow" else wide_double(r)
            if scale == "huge" and r.random() < 0.5:
                v = math.copysign(10.0 ** r.uniform(150, 308), v or 1.0)
            if fmt == "F32":
                v = to_f32(v) if abs(v) < 3.4e38 else to_f32(r.uniform(-3e38, 3e38))
            elif fmt == "F16":
                v = to_f16(v if abs(v) < 65504 else r.uniform(-65504, 65504))
            elif fmt == "BF16":
                v = from_bf16(bf16_bits(v if abs(v) < 3.3e38 else r.uniform(-3e38, 3e38)))
            return v

        self.weights = [[weight() for _ in range(self.n)] for _ in range(self.m)]
        self.bias = [weight() if r.random() < 0.8 else 0.0 for _ in range(self.m)]
        self.has_bias = r.random() < 0.8 or any(self.bias)
        if not self.has_bias:
            self.bias = [0.0] * self.m
        self.classes = 2 if self.activation == "binary" else self.m
        self.labels = None
        if fmt == "sklearn":
            self.labels = [str(i) for i in range(self.classes)] if r.random() < 0.5 else [f"k{i}" for i in range(self.classes)]
        elif r.random() < 0.5:
            self.labels = [f"{name}:{i}" if r.random() < 0.3 else f"l{i}" for i in range(self.classes)]
        self.threshold = r.choice([0.5, 0.5, r.uniform(0.01, 0.99)])
        self.storage = "FP32" if fmt in ("F32", "F16", "BF16") else "FP64"

    def write(self, folder: str) -> str:
        if self.fmt == "logitd":
            doc = {"weights": self.weights, "activation": self.activation}
            if self.has_bias:
                doc["bias"] = self.bias
            if self.labels:
                doc["labels"] = self.labels
            if self.activation == "sigmoid":
                doc["threshold"] = self.threshold
            path, data = f"{self.name}.json", json.dumps(doc).encode()
        elif self.fmt == "sklearn":
            classes = [int(c) if c.isdigit() else c for c in self.labels]
            doc = {"coef": self.weights, "intercept": self.bias, "classes": classes}
            path, data = f"{self.name}.json", json.dumps(doc).encode()
        else:
            meta = {"activation": self.activation}
            if self.labels:
                meta["labels"] = json.dumps(self.labels)
            if self.activation == "sigmoid":
                meta["threshold"] = repr(self.threshold)
            tensors = {"classifier.weight": (self.fmt, [self.m, self.n], pack(self.fmt, sum(self.weights, [])))}
            if self.has_bias:
                tensors["classifier.bias"] = (self.fmt, [self.m], pack(self.fmt, self.bias))
            path, data = f"{self.name}.safetensors", safetensors(tensors, meta)
        with open(os.path.join(folder, path), "wb") as f:
            f.write(data)
        return path

    def scaled(self) -> tuple[list, list]:
        """The weights and bias as exact integers (`scaled`), made once."""
        if not hasattr(self, "_scaled"):
            self._scaled = ([list(map(scaled, row)) for row in self.weights], list(map(scaled, self.bias)))
        return self._scaled

    def outputs(self) -> list:
        return ["logits", "probabilities", "class", "label"] if self.labels and self.activation != "sigmoid" else [
            "logits", "probabilities", "class"]

    def width(self, output: str) -> int:
        return {"logits": self.m, "probabilities": self.classes}[output]


def pack(dtype: str, values: list) -> bytes:
    if dtype == "F64":
        return struct.pack(f"<{len(values)}d", *values)
    if dtype == "F32":
        return struct.pack(f"<{len(values)}f", *values)
    if dtype == "F16":
        return np.array(values, dtype="<f2").tobytes()
    return struct.pack(f"<{len(values)}H", *[bf16_bits(v) for v in values])


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


# ---- inputs --------------------------------------------------------------------------------------------


def make_input(r: random.Random, model: Model, datatype: str, k: int) -> tuple[list, list]:
    """(rows of Doubles as logitd widens them, rows of wire values: ints, bools, float bits or literals)."""
    rows, wire = [], []
    for _ in range(k):
        row, wrow = [], []
        for _ in range(model.n):
            if datatype == "BOOL":
                v = r.random() < 0.5
                row.append(float(v))
                wrow.append(v)
            elif datatype in INT_RANGES:
                lo, hi = INT_RANGES[datatype]
                v = r.choice([r.randint(lo, hi), r.randint(max(lo, -100), min(hi, 100)), lo, hi])
                row.append(float(v))
                wrow.append(v)
            elif datatype == "FP16":
                bits = r.randrange(0x10000)
                while (bits & 0x7C00) == 0x7C00:
                    bits = r.randrange(0x10000)
                v = float(np.frombuffer(struct.pack("<H", bits), dtype="<f2")[0])
                row.append(v)
                wrow.append(bits)
            elif datatype == "BF16":
                bits = r.randrange(0x10000)
                while (bits & 0x7F80) == 0x7F80:
                    bits = r.randrange(0x10000)
                row.append(from_bf16(bits))
                wrow.append(bits)
            elif datatype == "FP32":
                c = r.random()
                if c < 0.3:
                    d = r.uniform(-1e3, 1e3)
                elif c < 0.5:
                    d = math.copysign(10.0 ** r.uniform(-45, 38.5), r.random() - 0.5)
                elif c < 0.6:  # exactly halfway between two Floats
                    f = np.float32(r.uniform(-100, 100))
                    d = (float(f) + float(np.nextafter(f, np.float32(np.inf)))) / 2
                else:
                    d = to_f32(r.uniform(-10, 10))
                if abs(d) >= 3.4028234663852886e38:
                    d = 1.0
                literal = repr(d)
                row.append(f32_nearest(literal))
                wrow.append(literal)
            else:
                v = wide_double(r)
                row.append(v)
                wrow.append(v)
        rows.append(row)
        wire.append(wrow)
    return rows, wire


def json_value(datatype: str, v) -> str:
    if datatype == "BOOL":
        return "true" if v else "false"
    if datatype in INT_RANGES:
        return str(v)
    if datatype == "FP32":
        return v
    return repr(v)


def binary_blob(datatype: str, wire: list) -> bytes:
    flat = [v for row in wire for v in row]
    if datatype in ("FP16", "BF16"):
        return struct.pack(f"<{len(flat)}H", *flat)
    if datatype == "FP32":
        return struct.pack(f"<{len(flat)}f", *[f32_nearest(v) for v in flat])
    if datatype == "BOOL":
        return bytes(1 if v else 0 for v in flat)
    return struct.pack(f"<{len(flat)}{STRUCT[datatype]}", *flat)


# ---- the server ----------------------------------------------------------------------------------------


class Server:
    def __init__(self, binary: str, folder: str, log: str):
        self.log = open(log, "wb")
        self.proc = subprocess.Popen([binary, "--port", "0", "--log-level", "error", "--model-dir", folder],
                                     stdout=subprocess.PIPE, stderr=self.log)
        line = self.proc.stdout.readline().decode()
        m = re.match(r"listening on (\S+):(\d+)", line)
        if not m:
            raise SystemExit(f"oip_diff: logitd did not start: {line!r}; see {log}")
        self.port = int(m.group(2))
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                resp = self.conn.getresponse()
                data = resp.read()
                return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                if attempt:
                    raise
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def reload(self, names: set) -> None:
        self.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status, _, body = self.request("GET", "/models")
            if status == 200 and {e["name"] for e in json.loads(body)["models"]} == names:
                return
            time.sleep(0.02)
        raise SystemExit("oip_diff: the reload did not bring the new models within 30 s")

    def stop(self) -> int:
        self.conn.close()
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return -9


# ---- answers -------------------------------------------------------------------------------------------


def parse_answer(headers: dict, body: bytes) -> tuple[dict, dict]:
    """(the JSON part, {output name: (datatype, shape, flat values)})."""
    if headers.get("content-encoding", "").lower() == "gzip":
        body = gzip.decompress(body)
    elif headers.get("content-encoding"):
        raise Disagreement(f"Content-Encoding {headers['content-encoding']}")
    length = int(headers.get("inference-header-content-length", len(body)))
    doc = json.loads(body[:length])
    outputs, offset = {}, length
    for o in doc.get("outputs", []):
        size = o.get("parameters", {}).get("binary_data_size")
        count = math.prod(o["shape"])
        if size is None:
            outputs[o["name"]] = (o["datatype"], o["shape"], o["data"])
            if len(o["data"]) != count:
                raise Disagreement(f"{o['name']}: {len(o['data'])} values for shape {o['shape']}")
            continue
        blob = body[offset : offset + size]
        offset += size
        if o["datatype"] == "FP64":
            values = list(struct.unpack(f"<{count}d", blob))
        elif o["datatype"] == "INT64":
            values = list(struct.unpack(f"<{count}q", blob))
        elif o["datatype"] == "BYTES":
            values, i = [], 0
            while i < len(blob):
                (n,) = struct.unpack_from("<I", blob, i)
                values.append(blob[i + 4 : i + 4 + n].decode())
                i += 4 + n
            if len(values) != count:
                raise Disagreement(f"{o['name']}: {len(values)} strings for shape {o['shape']}")
        else:
            raise Disagreement(f"{o['name']}: datatype {o['datatype']}")
        outputs[o["name"]] = (o["datatype"], o["shape"], values)
    if offset != len(body):
        raise Disagreement(f"the answer has {len(body)} bytes; its header and blobs account for {offset}")
    return doc, outputs


def same_bits(a: float, b: float) -> bool:
    return struct.pack("<d", a) == struct.pack("<d", b)


def classification_strings(values: list, columns: int, top: int, labels) -> list:
    out = []
    for r in range(len(values) // columns):
        row = values[r * columns : (r + 1) * columns]
        order = sorted(range(columns), key=lambda i: (-row[i], i))[: min(top, columns)]
        for i in order:
            out.append(f"{row[i]!r}:{i}" + (f":{labels[i]}" if labels and len(labels) == columns else ""))
    return out


class Checker:
    def __init__(self):
        self.cases = 0
        self.requests = 0
        self.overflow_400 = 0
        self.worst = {"logits": 0.0, "softmax": 0.0, "sigmoid": 0.0, "binary": 0.0}
        self.datatypes: dict[str, int] = {}
        self.self_test = False
        self.caught: dict[str, int] = {}  # --self-test: alterations noticed, by kind
        self.last_exact: list = []  # the last canonical check's exact logits, for --self-test
        self.last_ulps: dict[int, float] = {}  # and how far each probability was from its reference

    def canonical(self, model: Model, rows: list, outputs: dict, ok: bool) -> None:
        """The full answer against the references; `ok` says whether logitd answered 200."""
        k = len(rows)
        sw, sb = model.scaled()
        exact = []
        for x in rows:
            sx = list(map(scaled, x))
            exact.append([exact_dot(w, sx, b) for w, b in zip(sw, sb)])
        # Σ|w·x| (1 + γ) < MAX: no partial sum can overflow, in any order.
        limit = scaled(MAX) << 1074
        cannot_overflow = all(mags * (2**53 + model.n + 4) < limit * 2**53 for row in exact for _, mags in row)
        self.last_exact = exact
        if not ok:
            if cannot_overflow:
                raise Disagreement("400 for a row whose logits cannot overflow")
            self.overflow_400 += 1
            return
        expected = model.outputs()
        if list(outputs) != expected:
            raise Disagreement(f"outputs {list(outputs)}, expected {expected}")
        dt, shape, logits = outputs["logits"]
        if (dt, shape) != ("FP64", [k, model.m]):
            raise Disagreement(f"logits {dt} {shape}")
        # A dot product of n terms plus the bias, summed in any order: |error| ≤ γ_(n+2)·Σ|w·x| (+ |b|), with
        # γ_k = k·u/(1 − k·u) (Higham, Accuracy and Stability, §3.1), plus (n + 1) half-ulps of the smallest
        # subnormal for products that underflow. In integers of 2^-2148: err·(2^53 − k) ≤ k·mags·... (u = 2^-53).
        # Linear.swift's blocked sum promises fewer roundings per result, k = 16 + ⌈n/64⌉ + 6, when that is below
        # n + 2 (any order of n products and the bias).
        terms = min(model.n + 2, 22 + -(-model.n // 64))
        for r in range(k):
            for j in range(model.m):
                got = logits[r * model.m + j]
                e, mags = exact[r][j]
                if not math.isfinite(got):
                    raise Disagreement(f"logits[{r}][{j}] = {got!r} in a 200 answer")
                err = abs((scaled(got) << 1074) - e)
                underflow = (model.n + 1) << 1074  # (n + 1)·2^-1074, scaled
                lhs = (err - underflow) * (2**53 - terms)
                if lhs > terms * mags:
                    raise Disagreement(f"logits[{r}][{j}] = {got!r}, exact {float(Fraction(e, 2**SCALE))!r}: off by "
                                       f"{float(Fraction(err, 2**SCALE)):.3g}, more than γ_(n+2)·Σ|w·x| = "
                                       f"{float(Fraction(terms * mags, (2**53 - terms) * 2**SCALE)):.3g}")
                if mags:
                    self.worst["logits"] = max(self.worst["logits"], max(0, lhs) / (terms * mags))
        dt, shape, probs = outputs["probabilities"]
        if (dt, shape) != ("FP64", [k, model.classes]):
            raise Disagreement(f"probabilities {dt} {shape}")
        for r in range(k):
            z = logits[r * model.m : (r + 1) * model.m]
            p = probs[r * model.classes : (r + 1) * model.classes]
            if model.activation == "sigmoid":
                refs, kind, bar = [sigmoid_ref(v) for v in z], "sigmoid", 1.0
            elif model.activation == "binary":
                refs, kind, bar = [sigmoid_ref(-z[0]), sigmoid_ref(z[0])], "binary", 1.0
            else:
                refs, kind, bar = softmax_ref(z), "softmax", 4.0
            for j, (g, want) in enumerate(zip(p, refs)):
                off = ulps_off(g, want)
                self.last_ulps[r * model.classes + j] = off
                self.worst[kind] = max(self.worst[kind], off)
                if off > bar:
                    raise Disagreement(f"probabilities[{r}][{j}] = {g!r} is {off:.2f} ulp from {kind} of the "
                                       f"returned logits ({mpmath.nstr(want, 20)}); the bar is {bar:g} ulp")
        dt, shape, classes = outputs["class"]
        for r in range(k):
            p = probs[r * model.classes : (r + 1) * model.classes]
            if model.activation == "sigmoid":
                want = [int(v > model.threshold) for v in p]
                got = classes[r * model.m : (r + 1) * model.m]
                wshape = [k, model.m]
            else:
                want = [max(range(len(p)), key=lambda i: (p[i], -i))]
                got = [classes[r]]
                wshape = [k]
            if (dt, shape) != ("INT64", wshape) or got != want:
                raise Disagreement(f"class row {r}: {dt} {shape} {got}, expected {want} from probabilities {p}")
            if "label" in outputs and outputs["label"][2][r] != model.labels[want[0]]:
                raise Disagreement(f"label row {r}: {outputs['label'][2][r]!r}, expected {model.labels[want[0]]!r}")
        self.cases += 1

    def varied(self, model: Model, asked: list, canonical: dict, outputs: dict) -> None:
        """The varied answer: the outputs asked for, in that order, equal to the canonical answer."""
        names = [a["name"] for a in asked] if asked else model.outputs()
        if list(outputs) != names:
            raise Disagreement(f"outputs {list(outputs)}, asked {names}")
        for a in asked or [{"name": n} for n in names]:
            dt, shape, values = outputs[a["name"]]
            cdt, cshape, cvalues = canonical[a["name"]]
            top = a.get("parameters", {}).get("classification")
            if top is not None:
                columns = cshape[-1]
                want = classification_strings(cvalues, columns, top, model.labels)
                wshape = [cshape[0], min(top, columns)]
                if (dt, shape, values) != ("BYTES", wshape, want):
                    raise Disagreement(f"classification of {a['name']} (K={top}): {dt} {shape} {values[:6]}, "
                                       f"expected BYTES {wshape} {want[:6]}")
                continue
            if (dt, shape) != (cdt, cshape):
                raise Disagreement(f"{a['name']}: {dt} {shape}, the canonical answer has {cdt} {cshape}")
            if dt == "FP64":
                for i, (g, c) in enumerate(zip(values, cvalues)):
                    if not (isinstance(g, (int, float)) and not isinstance(g, bool) and same_bits(float(g), c)):
                        raise Disagreement(f"{a['name']}[{i}] = {g!r}, the canonical answer has {c!r}")
            elif values != cvalues:
                raise Disagreement(f"{a['name']}: {values[:6]}, the canonical answer has {cvalues[:6]}")


# ---- one case ------------------------------------------------------------------------------------------

DATATYPES = ["FP64", "FP64", "FP32", "FP32", "FP16", "BF16", "BOOL", "INT8", "INT16", "INT32", "INT64", "UINT8",
             "UINT16", "UINT32", "UINT64"]


def run_case(r: random.Random, server: Server, model: Model, checker: Checker, record: dict) -> None:
    datatype = r.choice(DATATYPES)
    checker.datatypes[datatype] = checker.datatypes.get(datatype, 0) + 1
    k = r.choice([1, 1, 2, 3, 5, 8])
    rows, wire = make_input(r, model, datatype, k)
    path = f"/v2/models/{model.name}/infer"

    blob = struct.pack(f"<{k * model.n}d", *[v for row in rows for v in row])
    header = json.dumps({"inputs": [{"name": "input", "datatype": "FP64", "shape": [k, model.n],
                                     "parameters": {"binary_data_size": len(blob)}}],
                         "parameters": {"binary_data_output": True}}).encode()
    record["canonical"] = {"path": path, "header": header.decode(), "rows": rows}
    status, headers, body = server.request("POST", path, header + blob,
                                           {"Inference-Header-Content-Length": str(len(header))})
    checker.requests += 1
    record["canonical_answer"] = (status, body[:4000].decode("latin-1"))
    if status == 200:
        _, canonical = parse_answer(headers, body)
        checker.canonical(model, rows, canonical, True)
        if checker.self_test:
            self_test_canonical(random.Random(checker.cases), model, rows, canonical, checker)
    elif status == 400 and re.search(r"logits\[\d+\]\[\d+\]: the result is not finite", body.decode()):
        checker.canonical(model, rows, {}, False)
        canonical = None
    else:
        raise Disagreement(f"canonical request answered {status}: {body[:300]!r}")

    # The varied request.
    binary_in = datatype in ("FP16", "BF16") or r.random() < 0.5
    one_dim = k == 1 and r.random() < 0.5
    shape = [model.n] if one_dim else [k, model.n]
    tensor = {"name": r.choice(["input", "x", "features"]), "datatype": datatype, "shape": shape}
    doc = {"inputs": [tensor]}
    if r.random() < 0.3:
        doc["id"] = f"case-{checker.cases}"
    asked = []
    if r.random() < 0.6:
        names = model.outputs()
        r.shuffle(names)
        for name in names[: r.randint(1, len(names))]:
            a = {"name": name}
            params = {}
            if name in ("logits", "probabilities") and r.random() < 0.4:
                params["classification"] = r.randint(1, model.width(name) + 2)
            if r.random() < 0.4:
                params["binary_data"] = r.random() < 0.5
            if params:
                a["parameters"] = params
            asked.append(a)
        doc["outputs"] = asked
    if r.random() < 0.3:
        doc["parameters"] = {"binary_data_output": r.random() < 0.5}
    if binary_in:
        data = binary_blob(datatype, wire)
        tensor["parameters"] = {"binary_data_size": len(data)}
        head = json.dumps(doc).encode()
        body_bytes = head + data
        headers = {"Inference-Header-Content-Length": str(len(head))}
    else:
        flat = [json_value(datatype, v) for row in wire for v in row]
        if not one_dim and r.random() < 0.5:
            text = "[" + ",".join("[" + ",".join(flat[i * model.n : (i + 1) * model.n]) + "]" for i in range(k)) + "]"
        else:
            text = "[" + ",".join(flat) + "]"
        # data goes inside the tensor: splice the literal text in (FP32 literals must stay as written).
        tensor["data"] = "@DATA@"
        body_bytes = json.dumps(doc).encode().replace(b'"@DATA@"', text.encode())
        headers = {"Content-Type": "application/json"} if r.random() < 0.5 else {}
    coding = r.choice([None, None, "gzip", "deflate"])
    if coding == "gzip":
        body_bytes = gzip.compress(body_bytes, compresslevel=r.choice([1, 6, 9]))
        headers["Content-Encoding"] = "gzip"
    elif coding == "deflate":
        body_bytes = zlib.compress(body_bytes)
        headers["Content-Encoding"] = "deflate"
    if r.random() < 0.4:
        headers["Accept-Encoding"] = "gzip"
    record["varied"] = {"path": path, "headers": headers, "doc": doc, "body_b64_len": len(body_bytes)}
    status, rheaders, rbody = server.request("POST", path, body_bytes, headers)
    checker.requests += 1
    record["varied_answer"] = (status, rbody[:4000].decode("latin-1"))
    if canonical is None:
        if status != 400 or b"not finite" not in (gzip.decompress(rbody) if rheaders.get("content-encoding") == "gzip" else rbody):
            raise Disagreement(f"the canonical request overflowed but the varied one answered {status}")
        return
    if status != 200:
        raise Disagreement(f"varied request answered {status}: {rbody[:300]!r}")
    if rheaders.get("content-encoding") == "gzip" and "Accept-Encoding" not in headers:
        raise Disagreement("a gzip answer that was not asked for")
    answer, outputs = parse_answer(rheaders, rbody)
    if answer.get("model_name") != model.name or answer.get("model_version") != "1" or answer.get("id") != doc.get("id"):
        raise Disagreement(f"model_name/model_version/id: {answer.get('model_name')!r} {answer.get('model_version')!r} "
                           f"{answer.get('id')!r}")
    checker.varied(model, asked, canonical, outputs)
    if checker.self_test:
        self_test_varied(random.Random(checker.cases), model, asked, canonical, outputs, checker)


# ---- the checker checked ----------------------------------------------------------------------------------


def must_fail(what: str, check, checker: "Checker") -> None:
    """`check` must raise Disagreement: the checker notices `what`."""
    saved = dict(checker.worst), checker.cases
    try:
        check()
    except Disagreement:
        checker.caught[what] = checker.caught.get(what, 0) + 1
        return
    finally:
        checker.worst, checker.cases = saved
    raise Disagreement(f"self-test: the checker did not notice {what}")


def moved(x: float, ulps: int) -> float:
    for _ in range(ulps):
        x = math.nextafter(x, math.inf)
    return x


def self_test_canonical(r: random.Random, model: Model, rows: list, canonical: dict, checker: "Checker") -> None:
    """Alters a correct canonical answer the smallest way each bar allows, and expects the checker to object:
    a probability 1 ulp past its bar, a logit just past the dot product's bound, a class or label changed."""
    def altered(name, index, value):
        out = {k: (dt, shape, list(values)) for k, (dt, shape, values) in canonical.items()}
        out[name][2][index] = value
        return out

    probs = canonical["probabilities"][2]
    i = r.randrange(len(probs))
    bar = 4 if model.activation in ("softmax", "none") else 1
    must_fail(f"a probability {bar + 1} ulp off", lambda: checker.canonical(
        model, rows, altered("probabilities", i, moved(probs[i], bar + 1 + math.ceil(checker.last_ulps.get(i, 0)))),
        True), checker)
    logits = canonical["logits"][2]
    j = r.randrange(len(logits))
    _, mags = checker.last_exact[j // model.m][j % model.m]
    bound = float(Fraction((model.n + 2) * mags, (2**53 - model.n - 2) * 2**SCALE))
    wrong = logits[j] + 3 * bound + 3 * ulp(logits[j]) + (model.n + 2) * TINY * 2
    if math.isfinite(wrong):
        must_fail("a logit beyond γ_(n+2)·Σ|w·x|", lambda: checker.canonical(
            model, rows, altered("logits", j, wrong), True), checker)
    classes = canonical["class"][2]
    c = r.randrange(len(classes))
    flipped = (1 - classes[c]) if model.activation == "sigmoid" else (classes[c] + 1) % max(model.classes, 2)
    if model.classes > 1 or model.activation == "sigmoid":
        must_fail("a class changed", lambda: checker.canonical(model, rows, altered("class", c, flipped), True),
                  checker)


def self_test_varied(r, model: Model, asked: list, canonical: dict, outputs: dict, checker: "Checker") -> None:
    """The varied answer with one FP64 value's last bit flipped, or one classification string's order broken."""
    for name, (dt, shape, values) in outputs.items():
        if dt == "FP64" and values:
            i = r.randrange(len(values))
            out = dict(outputs)
            v = list(values)
            v[i] = struct.unpack("<d", struct.pack("<Q", struct.unpack("<Q", struct.pack("<d", float(v[i])))[0] ^ 1))[0]
            out[name] = (dt, shape, v)
            must_fail("a number's last bit", lambda: checker.varied(model, asked, canonical, out), checker)
            return
        if dt == "BYTES" and len(values) > 1 and len(set(values[:2])) == 2 and name in ("logits", "probabilities"):
            out = dict(outputs)
            out[name] = (dt, shape, [values[1], values[0]] + list(values[2:]))
            must_fail("classification strings out of order", lambda: checker.varied(model, asked, canonical, out),
                      checker)
            return


# ---- main ----------------------------------------------------------------------------------------------


def fill(folder: str, r: random.Random, epoch: int, count: int) -> dict:
    for entry in os.listdir(folder):
        os.unlink(os.path.join(folder, entry))
    models = {}
    for i in range(count):
        m = Model(r, f"e{epoch}m{i}")
        m.write(folder)
        models[m.name] = m
    return models


def check_metadata(server: Server, model: Model) -> None:
    status, _, body = server.request("GET", f"/v2/models/{model.name}")
    doc = json.loads(body)
    inputs = doc["inputs"]
    if status != 200 or inputs != [{"name": "input", "datatype": model.storage, "shape": [-1, model.n]}]:
        raise Disagreement(f"metadata of {model.name} ({model.fmt}): {status} {inputs}")
    outs = [o["name"] for o in doc["outputs"]]
    if outs != model.outputs():
        raise Disagreement(f"metadata of {model.name}: outputs {outs}, expected {model.outputs()}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", required=True)
    p.add_argument("--seconds", type=float, default=30)
    p.add_argument("--requests", type=int, default=0, help="stop after this many requests (0: only --seconds)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--models", type=int, default=12, help="models per folder fill")
    p.add_argument("--self-test", action="store_true",
                   help="also alter each answer (a probability past its bar, a logit past its bound, a class, a "
                        "number's last bit) and fail unless the checker objects to every alteration")
    p.add_argument("--work", default=None, help="where to keep the failing case (default: a temp dir)")
    args = p.parse_args()
    r = random.Random(args.seed)
    work = args.work or tempfile.mkdtemp(prefix="oip-diff-")
    os.makedirs(work, exist_ok=True)
    folder = tempfile.mkdtemp(prefix="oip-diff-models-")
    epoch = 0
    models = fill(folder, r, epoch, args.models)
    server = Server(args.binary, folder, os.path.join(work, "logitd.log"))
    checker = Checker()
    checker.self_test = args.self_test
    began = time.monotonic()
    status = 0
    record: dict = {}
    swapped = 0
    try:
        for model in models.values():
            check_metadata(server, model)
        while time.monotonic() - began < args.seconds and (not args.requests or checker.requests < args.requests):
            if checker.cases and checker.cases % SWAP_EVERY == 0 and checker.cases != swapped:
                swapped = checker.cases
                epoch += 1
                models = fill(folder, r, epoch, args.models)
                server.reload(set(models))
                for model in models.values():
                    check_metadata(server, model)
            model = r.choice(list(models.values()))
            record = {"seed": args.seed, "case": checker.cases, "model": model.name, "format": model.fmt,
                      "activation": model.activation}
            run_case(r, server, model, checker, record)
    except Disagreement as e:
        status = 1
        keep = os.path.join(work, "failing")
        shutil.rmtree(keep, ignore_errors=True)
        shutil.copytree(folder, keep)
        with open(os.path.join(work, "failing.json"), "w") as f:
            json.dump(record, f, indent=1, default=str)
        print(f"oip_diff: DISAGREEMENT in case {checker.cases} (model {record.get('model')}, {record.get('format')}, "
              f"{record.get('activation')}): {e}\n  models: {keep}\n  case: {os.path.join(work, 'failing.json')}")
    finally:
        code = server.stop()
    elapsed = time.monotonic() - began
    print(f"oip_diff: seed {args.seed}: {checker.cases} cases checked against the references, {checker.requests} "
          f"requests in {elapsed:.0f} s ({checker.requests / max(elapsed, 1e-9):.0f}/s), {epoch + 1} folder fills; "
          f"{checker.overflow_400} canonical rows refused as overflowing (400, as expected)")
    print("oip_diff: worst seen: logits {:.3f} of the bound γ_k·Σ|w·x|; softmax {:.2f} ulp; sigmoid {:.2f} ulp; binary {:.2f} "
          "ulp".format(checker.worst["logits"], checker.worst["softmax"], checker.worst["sigmoid"],
                       checker.worst["binary"]))
    print("oip_diff: datatypes of the varied requests: " + ", ".join(f"{k} {v}" for k, v in sorted(checker.datatypes.items())))
    if args.self_test:
        print("oip_diff: self-test: alterations caught: " + ", ".join(f"{k} {v}" for k, v in sorted(checker.caught.items())))
        if len(checker.caught) < 4 and status == 0:
            print("oip_diff: self-test: some kinds of alteration were never tried")
            status = 1
    if code != 0:
        print(f"oip_diff: logitd exited with {code} after SIGTERM")
        status = 1
    shutil.rmtree(folder, ignore_errors=True)
    if not args.work and status == 0:
        shutil.rmtree(work, ignore_errors=True)
    print("oip_diff: PASS" if status == 0 else "oip_diff: FAIL")
    return status


if __name__ == "__main__":
    sys.exit(main())
