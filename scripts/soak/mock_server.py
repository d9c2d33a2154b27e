#!/usr/bin/env python3
"""A stand-in for logitd, for dry runs of soak.py: NOT the service, and not a reference for it.

    scripts/soak/mock_server.py --port 0 --log-level error [--leak-kib-per-request N]

Speaks just enough of API.md over asyncio for soak.py's scenarios: keep-alive and pipelining,
HTTP/1.0, Content-Length and chunked bodies, Expect: 100-continue (413 over the limit), a bare LF
(400 and close), the four compute paths with their 400/422 answers, 404, 405 with Allow, 415,
the GET paths, HEAD and OPTIONS. SIGTERM closes the listener and exits 0.

`--leak-kib-per-request` keeps that much memory per request forever, and `--leak-fds` opens a
file per connection and never closes it, so that soak.py's growth checks can be seen to fail.
"""

import argparse
import asyncio
import json
import math
import os
import signal
import sys

MAX_BODY = 8 << 20
ROUTES = {
    "/sigmoid": {"POST"},
    "/softmax": {"POST"},
    "/linear": {"POST"},
    "/classify": {"POST"},
    "/healthz": {"GET", "HEAD"},
    "/readyz": {"GET", "HEAD"},
    "/metrics": {"GET", "HEAD"},
    "/openapi.yaml": {"GET", "HEAD"},
}
leaked: list = []


class BadRequest(Exception):
    pass


def response(status: int, body: bytes = b"", ctype: str = "application/json", close: bool = False, extra=()) -> bytes:
    reason = {200: "OK", 204: "No Content", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
              413: "Content Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Content"}[status]
    lines = [f"HTTP/1.1 {status} {reason}"]
    if status != 204:
        lines.append(f"Content-Length: {len(body)}")
        if body:
            lines.append(f"Content-Type: {ctype}")
    lines += list(extra)
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def problem(status: int, detail: str, close: bool = False) -> bytes:
    body = json.dumps({"type": "about:blank", "status": status, "detail": detail}).encode()
    return response(status, body, "application/problem+json", close)


def numbers(x, path="logits"):
    if not isinstance(x, list) or not x:
        raise ValueError(f"{path}: expected a non-empty array")
    if all(isinstance(v, list) for v in x):
        if len({len(v) for v in x}) != 1:
            raise ValueError(f"{path}: ragged rows")
        return [numbers(v, path) for v in x]
    for v in x:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise ValueError(f"{path}: expected finite numbers")
    return x


def compute(path: str, doc) -> dict:
    if isinstance(doc, list):
        doc = {"logits": doc}
    if not isinstance(doc, dict):
        raise ValueError("expected an object")
    allowed = {"/sigmoid": {"logits", "derivative"}, "/softmax": {"logits", "temperature", "log"},
               "/linear": {"weights", "bias", "input", "activation"},
               "/classify": {"logits", "input", "weights", "bias", "activation", "threshold", "labels", "top_k"}}[path]
    if set(doc) - allowed:
        raise ValueError(f"unknown field {sorted(set(doc) - allowed)[0]}")
    if path == "/linear" or (path == "/classify" and "weights" in doc):
        w, x = numbers(doc.get("weights"), "weights"), numbers(doc.get("input"), "input")
        rows = x if isinstance(x[0], list) else [x]
        if any(len(r) != len(w[0]) for r in rows):
            raise ValueError("input has the wrong number of columns")
        logits = [[sum(a * b for a, b in zip(wr, r)) for wr in w] for r in rows]
    else:
        logits = numbers(doc.get("logits"))
    if path == "/softmax" and not (doc.get("temperature", 1.0) > 0):
        raise ValueError("temperature must be > 0")
    if path == "/classify":
        n = len(logits[0]) if isinstance(logits[0], list) else len(logits)
        if not 1 <= doc.get("top_k", 1) <= n:
            raise ValueError("top_k out of range")
    return {"probabilities": logits}


def handle(method: str, target: str, headers: dict, body: bytes) -> bytes:
    path = target.split("?", 1)[0]
    if path not in ROUTES:
        return problem(404, "no such path")
    allow = ROUTES[path]
    if method == "OPTIONS":
        return response(204, extra=[f"Allow: {', '.join(sorted(allow | {'OPTIONS'}))}"])
    if method not in allow:
        return response(405, b"{}", "application/problem+json", extra=[f"Allow: {', '.join(sorted(allow))}"])
    if method in ("GET", "HEAD"):
        body = json.dumps({"status": "ok"}).encode()
        r = response(200, body)
        return r[: len(r) - len(body)] if method == "HEAD" else r
    if headers.get("content-type", "application/json").split(";")[0].strip() == "text/csv":
        return problem(415, "text/csv cannot carry JSON")
    try:
        doc = json.loads(body)
    except ValueError:
        return problem(400, "the body is not JSON")
    try:
        return response(200, json.dumps(compute(path, doc)).encode())
    except (ValueError, TypeError, IndexError) as e:
        return problem(422, str(e))


async def read_line(reader) -> bytes:
    line = await reader.readuntil(b"\n")
    if not line.endswith(b"\r\n"):
        raise BadRequest("bare LF")
    return line[:-2]


async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, args) -> None:
    if args.leak_fds:
        leaked.append(open(os.devnull))
    try:
        while True:
            try:
                line = await read_line(reader)
                while line == b"":
                    line = await read_line(reader)
                method, target, version = line.decode("latin-1").split(" ")
                headers = {}
                while (field := await read_line(reader)) != b"":
                    name, _, value = field.decode("latin-1").partition(":")
                    headers[name.lower()] = value.strip()
                conn = headers.get("connection", "").lower()
                keep = ("close" not in conn) if version == "HTTP/1.1" else ("keep-alive" in conn)
                if headers.get("transfer-encoding", "").lower() == "chunked":
                    body = b""
                    while (size := int((await read_line(reader)).split(b";")[0], 16)) > 0:
                        body += await reader.readexactly(size)
                        await read_line(reader)
                    while await read_line(reader) != b"":
                        pass
                else:
                    length = int(headers.get("content-length", "0"))
                    if length > MAX_BODY:
                        writer.write(problem(413, "the body is too large", close=True))
                        await writer.drain()
                        return
                    if length and headers.get("expect", "").lower() == "100-continue":
                        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                    body = await reader.readexactly(length)
            except (asyncio.IncompleteReadError, ConnectionError):
                return
            except (BadRequest, ValueError, asyncio.LimitOverrunError):
                writer.write(problem(400, "malformed request", close=True))
                await writer.drain()
                return
            out = handle(method, target, headers, body)
            if args.leak_kib_per_request:
                leaked.append(bytearray(args.leak_kib_per_request * 1024))
            if not keep:
                out = out.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n", 1)
            writer.write(out)
            await writer.drain()
            if not keep:
                return
    except ConnectionError:
        pass
    finally:
        writer.close()


async def main_async(args) -> int:
    server = await asyncio.start_server(lambda r, w: connection(r, w, args), "127.0.0.1", args.port)
    port = server.sockets[0].getsockname()[1]
    print(f"listening on 127.0.0.1:{port}", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    server.close()
    return 0


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--log-level", default="info")
    p.add_argument("--leak-kib-per-request", type=int, default=0)
    p.add_argument("--leak-fds", action="store_true")
    return asyncio.run(main_async(p.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
