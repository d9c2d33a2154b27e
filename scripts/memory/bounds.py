#!/usr/bin/env python3
"""How much memory one request can make logitd allocate: each case on a fresh server, the peak resident size
(VmHWM) after the request minus the peak before it (after a warm-up request), against the body limit.

    scripts/memory/bounds.py --binary .build/release/logitd [--only NAME,...] [--markdown]

Standard library only. Every server runs with the default limits (8 MiB body, 16 KiB of header) and serves
the models the cases need, written into a temporary folder: iris-sized (4 → 3), a 1000-class head over 2048
features, and a 1000-class head over 1 feature (the widest answer per input byte).
"""

import argparse
import gzip
import json
import os
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import zlib

LIMIT = 8 * 1024 * 1024  # the default --max-body-size
MAX_RESULTS = 4_194_304  # the most numbers per output (k × m), docs/api.md "Limits"
MAX_RANKED = 262_144  # the most ranked entries (rows × top_k or classification K, above one per row)


def models(folder: str) -> None:
    r = random.Random(7)
    iris = {"weights": [[r.uniform(-2, 2) for _ in range(4)] for _ in range(3)], "bias": [0.1, 0.2, 0.3],
            "labels": ["setosa", "versicolor", "virginica"]}
    json.dump(iris, open(os.path.join(folder, "iris.json"), "w"))
    labels = [f"class-{i}" for i in range(1000)]
    wide = {"weights": [[r.uniform(-1, 1)] for _ in range(1000)], "labels": labels}
    json.dump(wide, open(os.path.join(folder, "wide.json"), "w"))
    # 1000 × 2048 F32 safetensors (8 MB).
    w = struct.pack("<2048000f", *[r.uniform(-0.05, 0.05) for _ in range(2048000)])
    header = json.dumps({"weight": {"dtype": "F32", "shape": [1000, 2048], "data_offsets": [0, len(w)]},
                         "__metadata__": {"labels": json.dumps(labels)}}).encode()
    header += b" " * (-len(header) % 8)
    with open(os.path.join(folder, "head.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header + w)


def v2_binary(k: int, n: int, outputs=None, datatype="FP64", value=0.5) -> tuple[bytes, dict]:
    code = {"FP64": "d", "FP32": "f"}[datatype]
    blob = struct.pack(f"<{k * n}{code}", *([value] * (k * n)))
    doc = {"inputs": [{"name": "input", "datatype": datatype, "shape": [k, n],
                       "parameters": {"binary_data_size": len(blob)}}]}
    if outputs is not None:
        doc["outputs"] = outputs
    head = json.dumps(doc).encode()
    return head + blob, {"Inference-Header-Content-Length": str(len(head))}


def numbers(count: int) -> bytes:
    return b"[" + b",".join([b"0"] * count) + b"]"


def cases() -> list:
    """(name, what, method, path, body, headers): each fills the 8 MiB body limit, or the answer limit."""
    out = []
    out.append(("baseline", "POST /softmax, 5 logits", "/softmax", b"[1,2,3,4,5]", {}))
    depth = LIMIT - 16
    out.append(("nested-native", f"/softmax: {depth:,} nested '['", "/softmax", b"[" * depth, {}))
    body = b'{"inputs":[{"name":"x","datatype":"FP64","shape":[1,4],"data":' + b"[" * (LIMIT - 100)
    out.append(("nested-v2", f"/v2 infer: data nested {LIMIT - 100:,} deep", "/v2/models/iris/infer", body, {}))
    count = (LIMIT - 100) // 4
    body = (b'{"inputs":[{"name":"x","datatype":"BYTES","shape":[%d],"data":[' % count
            + b",".join([b'"a"'] * count) + b"]}]}")
    out.append(("bytes-json", f"/v2 infer: a BYTES tensor of {count:,} one-byte strings (JSON)",
                "/v2/models/iris/infer", body, {}))
    count = (LIMIT - 200) // 5
    blob = b"".join([struct.pack("<I", 1) + b"a"] * count)
    head = json.dumps({"inputs": [{"name": "x", "datatype": "BYTES", "shape": [count],
                                   "parameters": {"binary_data_size": len(blob)}}]}).encode()
    out.append(("bytes-binary", f"/v2 infer: a BYTES tensor of {count:,} one-byte strings (binary)",
                "/v2/models/iris/infer", head + blob, {"Inference-Header-Content-Length": str(len(head))}))
    bomb = gzip.compress(b"0" * (10 * LIMIT), compresslevel=9)
    out.append(("gzip-bomb", f"/softmax: gzip of {10 * LIMIT:,} bytes in {len(bomb):,}", "/softmax", bomb,
                {"Content-Encoding": "gzip"}))
    body = numbers((LIMIT - 2) // 2)
    out.append(("numbers-native", f"/softmax: {(LIMIT - 2) // 2:,} logits '0,0,…' (8 MiB)", "/softmax", body, {}))
    out.append(("numbers-native-gzip", "the same, gzip-coded body, gzip answer", "/softmax",
                gzip.compress(body, 1), {"Content-Encoding": "gzip", "Accept-Encoding": "gzip"}))
    k = LIMIT // 2 // 8 // 4
    body = json.dumps({"inputs": [{"name": "x", "datatype": "FP64", "shape": [k, 4], "data": [0] * (4 * k)}]})
    out.append(("batch-v2-json", f"/v2 infer iris: [{k:,}, 4] as JSON zeros", "/v2/models/iris/infer",
                body.encode(), {}))
    k = (LIMIT - 400) // 32
    body, h = v2_binary(k, 4)
    out.append(("batch-v2-binary", f"/v2 infer iris: [{k:,}, 4] FP64 binary", "/v2/models/iris/infer", body, h))
    for k in (MAX_RANKED // 1000, MAX_RESULTS // 1000):
        body, h = v2_binary(k, 1, [{"name": "probabilities", "parameters": {"classification": 1000}}])
        out.append((f"classify-1000-wide-{k}", f"/v2 infer 1000×1 head: [{k:,}, 1], classification K=1000",
                    "/v2/models/wide/infer", body, h))
    k = MAX_RANKED // 1000
    body, h = v2_binary(k, 2048, [{"name": "probabilities", "parameters": {"classification": 1000}}], "FP32")
    out.append(("classify-1000-head", f"/v2 infer 1000×2048 head: [{k:,}, 2048] FP32, classification K=1000",
                "/v2/models/head/infer", body, h))
    k = MAX_RESULTS // 1000
    body, h = v2_binary(k, 1)
    out.append(("answer-cap-v2", f"/v2 infer 1000×1 head: [{k:,}, 1], every output", "/v2/models/wide/infer",
                body, h))
    k = LIMIT // 16
    body, h = v2_binary(k, 1)
    out.append(("over-cap-v2", f"/v2 infer 1000×1 head: [{k:,}, 1] (k × m = {k * 1000:,})",
                "/v2/models/wide/infer", body, h))
    for k in (MAX_RANKED // 1000, MAX_RESULTS // 1000):
        body = json.dumps({"model": "wide", "input": [[0.5]] * k, "top_k": 1000}).encode()
        out.append((f"classify-native-{k}", f"/classify 1000×1 head, {k:,} rows, top_k 1000", "/classify", body, {}))
    k = MAX_RESULTS // 1000
    body = json.dumps({"model": "wide", "input": [[0.5]] * k}).encode()
    out.append(("classify-native-top1", f"/classify 1000×1 head, {k:,} rows, top_k 1", "/classify", body, {}))
    for rows in (MAX_RANKED, (LIMIT - 20) // 4):
        body = b'{"logits": [' + b",".join([b"[0]"] * rows) + b"]}"
        out.append((f"classify-rows-{rows}", f"/classify: {rows:,} rows of one logit", "/classify", body, {}))
    body = json.dumps({"weights": [[1.0]] * 1000, "input": [[0.5]] * (MAX_RESULTS // 1000),
                       "activation": "softmax"}).encode()
    out.append(("linear-cap", f"/linear: 1000×1 weights, {MAX_RESULTS // 1000:,} rows, softmax", "/linear", body,
                {}))
    headers = {f"x{i:04d}": "a" for i in range((16384 - 200) // 10)}
    out.append(("headers", f"{len(headers):,} header fields (16 KiB)", "/softmax", b"[1,2]", headers))
    return out


def status(pid: int) -> dict:
    out = {}
    for line in open(f"/proc/{pid}/status"):
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            out[key] = int(value.split()[0]) * 1024
    return out


def send(port: int, path: str, body: bytes, headers: dict, timeout: float = 120) -> tuple[int, int]:
    """(status, answer bytes); raw socket, so nothing is buffered in between."""
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
    data = bytearray()
    while True:
        chunk = s.recv(1 << 20)
        if not chunk:
            break
        data += chunk
    s.close()
    m = re.match(rb"HTTP/1\.1 (\d+)", data)
    return (int(m.group(1)) if m else 0), len(data)


def run_case(binary: str, folder: str, case) -> dict:
    name, what, path, body, headers = case
    proc = subprocess.Popen([binary, "--port", "0", "--log-level", "error", "--model-dir", folder],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        line = proc.stdout.readline().decode()
        port = int(re.search(r":(\d+)$", line.strip()).group(1))
        send(port, "/softmax", b"[1,2,3]", {})
        send(port, "/v2/models/iris/infer", *v2_binary(2, 4))
        time.sleep(0.2)
        before = status(proc.pid)
        began = time.monotonic()
        code, size = send(port, path, body, headers)
        took = time.monotonic() - began
        time.sleep(0.2)
        after = status(proc.pid)
        alive = proc.poll() is None
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    peak = after["VmHWM"] - before["VmHWM"]
    return {"name": name, "what": what, "body": len(body), "status": code, "answer": size, "seconds": took,
            "peak": peak, "ratio": peak / LIMIT, "alive": alive}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", required=True)
    p.add_argument("--only", type=lambda v: set(v.split(",")), default=None)
    p.add_argument("--max-ratio", type=float, default=None, help="exit 1 when a case's peak exceeds this × the limit")
    args = p.parse_args()
    folder = tempfile.mkdtemp(prefix="logitd-memory-")
    models(folder)
    rows = []
    print("| case | request | body bytes | status | answer bytes | time s | peak extra MiB | × body limit |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for case in cases():
        if args.only and case[0] not in args.only:
            continue
        row = run_case(args.binary, folder, case)
        rows.append(row)
        print(f"| {row['name']} | {row['what']} | {row['body']:,} | {row['status']} | {row['answer']:,} | "
              f"{row['seconds']:.2f} | {row['peak'] / 2**20:.1f} | {row['ratio']:.2f} |", flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    worst = max(rows, key=lambda r: r["ratio"])
    print(f"\nworst: {worst['name']}, {worst['peak'] / 2**20:.1f} MiB = {worst['ratio']:.2f} × the body limit")
    failed = [r for r in rows if not r["alive"] or (args.max_ratio and r["ratio"] > args.max_ratio)]
    for r in failed:
        print(f"FAIL: {r['name']}: " + ("the server died" if not r["alive"] else f"{r['ratio']:.2f} × the limit"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
