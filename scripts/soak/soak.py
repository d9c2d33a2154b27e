#!/usr/bin/env python3
"""Soak test for logitd: a bounded mixed load on loopback, with the server's memory and file
descriptors sampled as it runs.

    scripts/soak/soak.py --binary PATH --duration SECONDS [--warmup S] [--sample S] [--workers N]

Starts `PATH --port 0 --log-level error` (PATH may carry its own arguments, e.g. "python3 x.py"),
reads `listening on HOST:PORT` from its stdout, and runs asyncio workers against it until the
duration is over. Each worker loops over scenarios, picked at random (seeded):

- keep-alive connections with valid POSTs to /sigmoid, /softmax, /linear and /classify, with
  small and medium bodies (up to ~40 KB), and GETs of /healthz, /readyz, /metrics, HEAD, OPTIONS;
- application errors on keep-alive connections: bad JSON (400), shapes and values that don't fit
  (422), an unknown path (404), a wrong method (405), a CSV body (415);
- protocol errors, answered and then closed by the server: a bare LF (400), a declared body over
  the limit with Expect: 100-continue (413);
- slow clients that trickle a request a few bytes at a time (well inside the request timeout),
  on workers of their own (--slow-clients), beside the others;
- clients that disconnect mid-head, mid-body, or before reading the response;
- pipelined bursts: 10 requests in one write, the responses checked in order;
- HTTP/1.0 without keep-alive (the server must close) and with it (the connection must stay);
- chunked uploads.

With `--models`, the server also serves a model folder (`--model-dir`) that models.py rewrites every
`--reload-every` seconds, each time followed by SIGHUP (every `--malformed-every`-th time with a malformed file
that must make the reload fail), and the workers add a `models` scenario: /classify and /linear naming a model,
V2 inference in JSON and binary tensors, gzip and deflate bodies, gzip answers. Each answer must be the one of a
model generation served while the request ran (a 404 only for a model missing from one of those sets); each
SIGHUP must be counted by `logitd_model_reloads_total` with the expected result, and `GET /models` must then list
the folder (README.md, "Served models under reload").

Every `--sample` seconds it prints a row: time, requests done, req/s, the server's RSS (VmRSS) in
MiB, its open fds, and errors so far. At the end it stops the load, checks that the server's fds
come back to their idle count once every client connection is closed, sends SIGTERM, and expects
exit status 0.

Exit status 1 (with the reasons printed) on: RSS growth after warm-up beyond the tolerance (the
median of the last three samples against the median of the first three after warm-up; growth is
allowed up to the larger of --rss-tolerance-pct and --rss-tolerance-mib), fd growth beyond
--fd-margin (the same medians), fds not back to idle at the end, any 5xx, any status other than
the one the scenario expects, any connection error the load did not cause on purpose, a server
that died, or a non-zero exit after SIGTERM. Standard library only.
"""

import argparse
import asyncio
import json
import os
import random
import re
import shlex
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import models  # noqa: E402  (scripts/soak/models.py)

RESPONSE_TIMEOUT = 20.0  # longer than the server's default request timeout (10 s)
MAX_HEAD = 64 * 1024


class Stats:
    def __init__(self):
        self.requests = 0
        self.errors = 0
        self.server_errors = 0
        self.kinds: dict[str, int] = {}
        self.examples: dict[str, list[str]] = {}
        self.scenarios: dict[str, int] = {}
        self.slowest: dict[str, float] = {}  # scenario → its longest run, in seconds
        self.latencies: list[float] = []  # seconds, one request at a time on keep-alive connections
        self.counts: dict[str, int] = {}  # --models: requests by kind and outcome

    def count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    def error(self, kind: str, detail: str) -> None:
        self.errors += 1
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        ex = self.examples.setdefault(kind, [])
        if len(ex) < 3:
            ex.append(detail[:300])


class Unexpected(Exception):
    """The server did something the scenario does not allow: counted as an error."""

    def __init__(self, kind: str, detail: str):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


# ---- request bodies ------------------------------------------------------------------------


def vector(r: random.Random, n: int) -> list:
    return [round(r.uniform(-20, 20), r.randint(0, 8)) for _ in range(n)]


def valid_request(r: random.Random) -> tuple[str, str, bytes]:
    """(method, path, body) of a request the service must answer with 200."""
    medium = r.random() < 0.2
    n = r.randint(200, 2000) if medium else r.randint(1, 16)
    choice = r.randrange(9)
    if choice == 0:
        return "POST", "/sigmoid", json.dumps({"logits": vector(r, n), "derivative": r.random() < 0.5}).encode()
    if choice == 1:
        return "POST", "/sigmoid", json.dumps(vector(r, n)).encode()
    if choice == 2:
        rows = r.randint(1, 8 if medium else 3)
        body = {"logits": [vector(r, max(1, n // rows)) for _ in range(rows)], "temperature": r.choice([0.5, 1.0, 2.0])}
        body["log"] = r.random() < 0.5
        return "POST", "/softmax", json.dumps(body).encode()
    if choice == 3:
        return "POST", "/softmax", json.dumps(vector(r, n)).encode()
    if choice == 4:
        m, k = r.randint(1, 32 if medium else 4), r.randint(1, 64 if medium else 6)
        body = {
            "weights": [vector(r, k) for _ in range(m)],
            "bias": vector(r, m),
            "input": vector(r, k) if r.random() < 0.5 else [vector(r, k) for _ in range(r.randint(1, 4))],
            "activation": r.choice(["none", "sigmoid", "softmax"]),
        }
        return "POST", "/linear", json.dumps(body).encode()
    if choice == 5:
        classes = max(2, n)
        body = {"logits": vector(r, classes), "top_k": r.randint(1, min(3, classes))}
        if r.random() < 0.5:
            body["labels"] = [f"c{i}" for i in range(classes)]
        return "POST", "/classify", json.dumps(body).encode()
    if choice == 6:
        body = {"logits": [vector(r, 5) for _ in range(r.randint(1, 4))], "activation": "sigmoid", "threshold": 0.3}
        return "POST", "/classify", json.dumps(body).encode()
    if choice == 7:
        k = r.randint(1, 8)
        body = {"input": vector(r, k), "weights": [vector(r, k) for _ in range(3)], "labels": ["a", "b", "c"]}
        return "POST", "/classify", json.dumps(body).encode()
    return r.choice([("GET", "/healthz", b""), ("GET", "/readyz", b""), ("GET", "/metrics", b""), ("GET", "/openapi.yaml", b"")])


def error_request(r: random.Random) -> tuple[str, str, bytes, dict, int]:
    """(method, path, body, extra headers, expected status) of an application-level error, which
    leaves the connection open."""
    return r.choice(
        [
            ("POST", "/sigmoid", b'{"logits": [1, 2', {}, 400),
            ("POST", "/softmax", b"not json at all", {}, 400),
            ("POST", "/sigmoid", b'{"logits": []}', {}, 422),
            ("POST", "/softmax", b'{"logits": [[1, 2], [3]]}', {}, 422),
            ("POST", "/sigmoid", b'{"logits": [1e400]}', {}, 422),
            ("POST", "/softmax", b'{"logits": [1, 2], "temperature": 0}', {}, 422),
            ("POST", "/linear", b'{"weights": [[1, 2]], "input": [1, 2, 3]}', {}, 422),
            ("POST", "/classify", b'{"logits": [1, 2], "top_k": 5}', {}, 422),
            ("POST", "/sigmoid", b'{"logits": [1], "surprise": true}', {}, 422),
            ("GET", "/nope", b"", {}, 404),
            ("POST", "/v2/sigmoid", b"[1]", {}, 404),
            ("GET", "/sigmoid", b"", {}, 405),
            ("DELETE", "/softmax", b"", {}, 405),
            ("POST", "/sigmoid", b"1,2,3", {"Content-Type": "text/csv"}, 415),
            ("OPTIONS", "/sigmoid", b"", {}, 204),
            ("HEAD", "/healthz", b"", {}, 200),
        ]
    )


def encode(method: str, path: str, body: bytes, headers: dict | None = None, version: str = "HTTP/1.1") -> bytes:
    lines = [f"{method} {path} {version}", "Host: 127.0.0.1"]
    h = {"Content-Type": "application/json"} if body else {}
    h.update(headers or {})
    if body or method == "POST":
        if h.get("Transfer-Encoding") != "chunked":
            h.setdefault("Content-Length", str(len(body)))
    lines += [f"{k}: {v}" for k, v in h.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def chunked(r: random.Random, body: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(body):
        n = r.randint(1, 512)
        out += f"{len(body[i:i + n]):x}\r\n".encode() + body[i : i + n] + b"\r\n"
        i += n
    return bytes(out + b"0\r\n\r\n")


# ---- responses -----------------------------------------------------------------------------


async def read_response(reader: asyncio.StreamReader, method: str) -> tuple[int, dict, bytes]:
    """One response: status, headers (lowercase names), body. Raises Unexpected on a bad one."""
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), RESPONSE_TIMEOUT)
    except asyncio.IncompleteReadError as e:
        raise Unexpected("connection closed before a response", f"{len(e.partial)} bytes of head") from None
    except asyncio.LimitOverrunError:
        raise Unexpected("response head too large", "") from None
    except asyncio.TimeoutError:
        raise Unexpected("response timeout", f"no response in {RESPONSE_TIMEOUT} s") from None
    lines = head.decode("latin-1").split("\r\n")
    m = re.match(r"HTTP/1\.[01] (\d{3})", lines[0])
    if not m:
        raise Unexpected("malformed status line", lines[0])
    status = int(m.group(1))
    headers = {}
    for line in lines[1:]:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if status == 100:
        return await read_response(reader, method)
    length = 0
    if method != "HEAD" and status not in (204, 304):
        if "content-length" not in headers:
            raise Unexpected("response without Content-Length", lines[0])
        length = int(headers["content-length"])
    try:
        body = await asyncio.wait_for(reader.readexactly(length), RESPONSE_TIMEOUT)
    except asyncio.IncompleteReadError as e:
        raise Unexpected("connection closed mid-response", f"{len(e.partial)}/{length} body bytes") from None
    except asyncio.TimeoutError:
        raise Unexpected("response timeout", "body did not arrive") from None
    return status, headers, body


def check(status: int, headers: dict, body: bytes, expected: int, what: str, stats: Stats) -> None:
    """Raises Unexpected unless `status` is `expected`; a 200 JSON body must parse (HEAD has none)."""
    if status >= 500:
        stats.server_errors += 1
        raise Unexpected(f"{status} from the server", f"{what}: {body[:200]!r}")
    if status != expected:
        raise Unexpected(f"status {status}, expected {expected}", f"{what}: {body[:200]!r}")
    if status == 200 and body and headers.get("content-type", "").startswith("application/json"):
        try:
            json.loads(models.decoded_body(headers, body))
        except (ValueError, OSError, EOFError):
            raise Unexpected("200 with a body that is not JSON", f"{what}: {body[:200]!r}") from None


async def expect_eof(reader: asyncio.StreamReader, what: str) -> None:
    try:
        rest = await asyncio.wait_for(reader.read(1), 5.0)
    except asyncio.TimeoutError:
        raise Unexpected("connection not closed", f"{what}: still open 5 s after the response") from None
    except ConnectionResetError:
        return
    if rest:
        raise Unexpected("bytes after the last response", f"{what}: {rest!r}")


# ---- scenarios -----------------------------------------------------------------------------


class Load:
    def __init__(self, host: str, port: int, seed: int, stats: Stats, folder=None):
        self.host, self.port, self.seed, self.stats = host, port, seed, stats
        self.stopping = False
        self.open_connections = 0
        # --models: the model folder, and every set the server has served: [start, end, {(name, version): gen}],
        # start = when the SIGHUP that loaded it was sent, end = when the next successful reload was seen.
        self.folder = folder
        self.served = [[0.0, float("inf"), folder.served()]] if folder else []
        self.settled = asyncio.Event()  # clear from a SIGHUP until the reload is seen counted
        self.settled.set()

    def candidates(self, sent: float, answered: float) -> list:
        """The served sets a request sent at `sent` and answered at `answered` may have been answered from."""
        return [s for start, end, s in self.served if start <= answered and end >= sent]

    async def connect(self):
        reader, writer = await asyncio.open_connection(self.host, self.port, limit=MAX_HEAD)
        self.open_connections += 1
        return reader, writer

    async def close(self, writer: asyncio.StreamWriter, abort: bool = False) -> None:
        if abort:
            writer.transport.abort()
        else:
            writer.close()
            try:
                await writer.wait_closed()
            except OSError:
                pass
        self.open_connections -= 1

    async def exchange(self, reader, writer, method, path, body, expected, headers=None) -> dict:
        """One request on a keep-alive connection; its latency (write to whole response) is kept."""
        began = time.monotonic()
        writer.write(encode(method, path, body, headers))
        await writer.drain()
        status, h, b = await read_response(reader, method)
        self.stats.latencies.append(time.monotonic() - began)
        check(status, h, b, expected, f"{method} {path}", self.stats)
        self.stats.requests += 1
        return h

    async def keep_alive(self, r: random.Random) -> None:
        reader, writer = await self.connect()
        try:
            for _ in range(r.randint(5, 40)):
                if self.stopping:
                    break
                method, path, body = valid_request(r)
                h = await self.exchange(reader, writer, method, path, body, 200)
                if "close" in h.get("connection", "").lower():
                    raise Unexpected("keep-alive connection closed by the server", f"{method} {path}")
        finally:
            await self.close(writer)

    async def app_errors(self, r: random.Random) -> None:
        reader, writer = await self.connect()
        try:
            for _ in range(r.randint(3, 15)):
                if self.stopping:
                    break
                if r.random() < 0.3:
                    method, path, body = valid_request(r)
                    expected, headers = 200, {}
                else:
                    method, path, body, headers, expected = error_request(r)
                h = await self.exchange(reader, writer, method, path, body, expected, headers)
                if expected == 405 and "allow" not in h:
                    raise Unexpected("405 without Allow", f"{method} {path}")
                if "close" in h.get("connection", "").lower():
                    break  # the server may close after an error; a new connection is fine
        finally:
            await self.close(writer)

    async def protocol_error(self, r: random.Random) -> None:
        reader, writer = await self.connect()
        try:
            if r.random() < 0.5:
                writer.write(b"POST /sigmoid HTTP/1.1\nHost: x\nContent-Length: 3\n\n[1]")
                expected, method = 400, "POST"
            else:
                writer.write(
                    b"POST /sigmoid HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 900000000\r\nExpect: 100-continue\r\n\r\n"
                )
                expected, method = 413, "POST"
            await writer.drain()
            status, h, b = await read_response(reader, method)
            check(status, h, b, expected, "protocol error", self.stats)
            self.stats.requests += 1
            await expect_eof(reader, f"after a {expected}")
        finally:
            await self.close(writer)

    async def slow_client(self, r: random.Random) -> None:
        reader, writer = await self.connect()
        try:
            method, path, body = valid_request(r)
            data = encode(method, path, body[:2000] if method != "POST" else body)
            if len(data) > 3000:  # keep the trickle short: a small valid body instead
                method, path, body = "POST", "/sigmoid", json.dumps(vector(r, 8)).encode()
                data = encode(method, path, body)
            step = max(1, len(data) // r.randint(10, 30))
            for i in range(0, len(data), step):
                writer.write(data[i : i + step])
                await writer.drain()
                await asyncio.sleep(r.uniform(0.02, 0.15))
            status, h, b = await read_response(reader, method)
            check(status, h, b, 200, f"slow {method} {path}", self.stats)
            self.stats.requests += 1
        finally:
            await self.close(writer)

    async def disconnect(self, r: random.Random) -> None:
        """Goes away on purpose: mid-head, mid-body, or without reading the response."""
        reader, writer = await self.connect()
        method, path, body = "POST", "/softmax", json.dumps({"logits": vector(r, r.randint(50, 500))}).encode()
        data = encode(method, path, body)
        where = r.randrange(3)
        if where == 0:
            writer.write(data[: r.randint(1, data.index(b"\r\n\r\n"))])
        elif where == 1:
            writer.write(data[: len(data) - r.randint(1, len(body))])
        else:
            writer.write(data)
        try:
            await writer.drain()
        except OSError:
            pass
        await asyncio.sleep(r.uniform(0, 0.05))
        await self.close(writer, abort=r.random() < 0.5)

    async def pipelined(self, r: random.Random) -> None:
        reader, writer = await self.connect()
        try:
            batch = []
            for _ in range(10):
                if r.random() < 0.8:
                    method, path, body = valid_request(r)
                    batch.append((method, path, body, {}, 200))
                else:
                    batch.append(error_request(r))
            writer.write(b"".join(encode(m, p, b, h) for m, p, b, h, _ in batch))
            await writer.drain()
            for method, path, body, headers, expected in batch:
                status, h, b = await read_response(reader, method)
                check(status, h, b, expected, f"pipelined {method} {path}", self.stats)
                self.stats.requests += 1
                if "close" in h.get("connection", "").lower():
                    raise Unexpected("pipelined burst cut short", f"Connection: close after {method} {path}")
        finally:
            await self.close(writer)

    async def http10(self, r: random.Random) -> None:
        reader, writer = await self.connect()
        try:
            method, path, body = valid_request(r)
            keep = r.random() < 0.5
            headers = {"Connection": "keep-alive"} if keep else {}
            writer.write(encode(method, path, body, headers, version="HTTP/1.0"))
            await writer.drain()
            status, h, b = await read_response(reader, method)
            check(status, h, b, 200, f"HTTP/1.0 {method} {path}", self.stats)
            self.stats.requests += 1
            if not keep:
                await expect_eof(reader, "HTTP/1.0 without keep-alive")
            else:
                writer.write(encode("GET", "/healthz", b"", {"Connection": "keep-alive"}, version="HTTP/1.0"))
                await writer.drain()
                status, h, b = await read_response(reader, "GET")
                check(status, h, b, 200, "HTTP/1.0 keep-alive, second request", self.stats)
                self.stats.requests += 1
        finally:
            await self.close(writer)

    async def chunked_upload(self, r: random.Random) -> None:
        reader, writer = await self.connect()
        try:
            for _ in range(r.randint(1, 5)):
                method, path, body = valid_request(r)
                if method != "POST":
                    method, path, body = "POST", "/softmax", json.dumps(vector(r, 100)).encode()
                head = encode(method, path, b"", {"Transfer-Encoding": "chunked", "Content-Type": "application/json"})
                writer.write(head + chunked(r, body))
                await writer.drain()
                status, h, b = await read_response(reader, method)
                check(status, h, b, 200, f"chunked {method} {path}", self.stats)
                self.stats.requests += 1
        finally:
            await self.close(writer)

    async def models(self, r: random.Random) -> None:
        """--models: requests to served models while the folder is rewritten and reloaded: /classify and
        /linear naming a model, V2 JSON and V2 binary inference, some bodies gzip or deflate, some answers
        gzip; now and then a plain /softmax with a compressed body. Every 200 must be the answer of a
        generation of the model that was served while the request ran; a 404 is expected only when the
        model (or version) was missing from one of those sets."""
        reader, writer = await self.connect()
        try:
            for _ in range(r.randint(3, 20)):
                if self.stopping:
                    break
                if r.random() < 0.15:
                    body = json.dumps({"logits": vector(r, r.randint(1, 400))}).encode()
                    headers = {}
                    body = models.compress(r, body, headers)
                    h = await self.exchange(reader, writer, "POST", "/softmax", body, 200, headers)
                    self.stats.count("softmax, compressed" if "Content-Encoding" in headers else "softmax")
                    continue
                current = self.served[-1][2]
                if r.random() < 0.85 and current:
                    name, version = r.choice(sorted(current))
                    version = version if name in self.folder.triton and r.random() < 0.5 else None
                else:
                    name = r.choice(self.folder.names())
                    version = r.choice([None, 1, 2]) if name in self.folder.triton else None
                n = self.folder.shapes[name][0]
                method, path, body, headers, x, kind = models.model_request(r, name, version, n)
                body = models.compress(r, body, headers)
                sent = time.monotonic()
                writer.write(encode(method, path, body, headers))
                await writer.drain()
                status, h, b = await read_response(reader, method)
                answered = time.monotonic()
                self.stats.latencies.append(answered - sent)
                what = f"{kind} {path} ({headers.get('Content-Encoding', 'identity')} body)"
                sets = self.candidates(sent, answered)
                gens = [models.resolve(s, name, version) for s in sets]
                if not self.settled.is_set():
                    # A SIGHUP is out and not yet seen counted: the set it loads may have answered. Judge the
                    # answer once the reload is settled (its set is then in self.served, or it failed).
                    await self.settled.wait()
                    sets = self.candidates(sent, answered)
                    gens = [models.resolve(s, name, version) for s in sets]
                if status == 404:
                    if all(gens):
                        raise Unexpected("404 for a served model", f"{what}: {b[:200]!r}")
                    self.stats.count("404 (model not served at the time)")
                else:
                    check(status, h, b, 200, what, self.stats)
                    gzipped = h.get("content-encoding", "").lower() == "gzip"
                    if gzipped and "Accept-Encoding" not in headers:
                        raise Unexpected("gzip answer not asked for", what)
                    try:
                        plain = models.decoded_body(h, b)
                        got = models.answers(kind, h, plain)
                    except (ValueError, KeyError, IndexError, TypeError, OSError, EOFError, struct.error) as e:
                        raise Unexpected("answer that does not decode", f"{what}: {type(e).__name__} {e}") from None
                    if len(plain) >= 1024 and "Accept-Encoding" in headers and not gzipped:
                        raise Unexpected("a 1 KiB answer not gzipped though asked", what)
                    reasons = [models.matches(g, kind, x, got) for g in gens if g]
                    if None not in reasons:
                        key = (name, version or max(v for (nm, v) in self.folder.history if nm == name))
                        known = [g.serial for g in self.folder.history.get(key, []) if models.matches(g, kind, x, got) is None]
                        raise Unexpected("wrong answer", f"{what}, sent {sent - self.began:.3f} s, answered "
                                         f"{answered - self.began:.3f} s: expected generation "
                                         f"{[g.serial for g in gens if g]}, matches generation {known} of "
                                         f"{[g.serial for g in self.folder.history.get(key, [])]}: "
                                         f"{'; '.join(map(str, reasons))[:300]}")
                    self.stats.count(kind + (", gzip answer" if gzipped else ""))
                    if "Content-Encoding" in headers:
                        self.stats.count(f"{headers['Content-Encoding']} body")
                self.stats.requests += 1
                if "close" in h.get("connection", "").lower():
                    raise Unexpected("keep-alive connection closed by the server", what)
        finally:
            await self.close(writer)

    SCENARIOS = [
        ("keep_alive", 30),
        ("app_errors", 15),
        ("pipelined", 12),
        ("chunked_upload", 10),
        ("http10", 8),
        ("disconnect", 10),
        ("protocol_error", 5),
        ("models", 40),  # only with --models
    ]

    async def worker(self, index: int, deadline: float, scenarios=None) -> None:
        """Runs scenarios back to back until the deadline. Slow clients get workers of their own
        (`scenarios=[("slow_client", 1)]`): a trickle takes seconds, and it would otherwise eat
        the time of the workers that measure throughput."""
        r = random.Random(self.seed * 7919 + index)
        names = [n for n, _ in scenarios or self.SCENARIOS]
        weights = [w for _, w in scenarios or self.SCENARIOS]
        while time.monotonic() < deadline and not self.stopping:
            name = r.choices(names, weights)[0]
            self.stats.scenarios[name] = self.stats.scenarios.get(name, 0) + 1
            began = time.monotonic()
            try:
                await getattr(self, name)(r)
            except Unexpected as e:
                self.stats.error(e.kind, f"[{name}] {e.detail}")
            except (ConnectionError, OSError) as e:
                self.stats.error(f"connection error: {type(e).__name__}", f"[{name}] {e}")
            took = time.monotonic() - began
            self.stats.slowest[name] = max(self.stats.slowest.get(name, 0.0), took)


# ---- --models: the folder rewritten, SIGHUP every --reload-every seconds --------------------------------


async def get(host: str, port: int, path: str) -> bytes:
    """The body of a 200 answer to GET `path`, on a connection of its own."""
    reader, writer = await asyncio.open_connection(host, port, limit=MAX_HEAD)
    try:
        writer.write(encode("GET", path, b"", {"Connection": "close"}))
        await writer.drain()
        status, _, body = await read_response(reader, "GET")
    finally:
        writer.close()
    if status != 200:
        raise Unexpected(f"GET {path} answered {status}", "")
    return body


async def metric_values(host: str, port: int, name: str) -> dict:
    """{labels: value} of one metric from GET /metrics."""
    out = {}
    for line in (await get(host, port, "/metrics")).decode().splitlines():
        m = re.match(rf"{name}(\{{[^}}]*\}})? (\S+)$", line)
        if m:
            out[m.group(1) or ""] = float(m.group(2))
    return out


async def served_models(host: str, port: int) -> dict:
    """(name, version) → (inputs, outputs) of GET /models."""
    models_ = json.loads(await get(host, port, "/models"))["models"]
    return {(e["name"], int(e["version"])): (e["inputs"], e["outputs"]) for e in models_}


class Reloads:
    def __init__(self):
        self.sent = 0
        self.expected_failures = 0
        self.counted = {"success": 0.0, "failure": 0.0}
        self.slowest = 0.0
        self.log: list[str] = []


async def reloader(load: Load, proc, host: str, port: int, deadline: float, args, reloads: Reloads) -> None:
    """Every --reload-every seconds: rewrite the folder (every --malformed-every-th time with a broken file
    too), send SIGHUP, and wait until logitd_model_reloads_total has counted it with the expected result; then
    GET /models must list exactly what the folder held (after a failure: the set served before)."""
    folder = load.folder
    tick = time.monotonic()
    while True:
        tick += args.reload_every
        if tick > deadline:
            return
        await asyncio.sleep(max(0.0, tick - time.monotonic()))
        if load.stopping or proc.poll() is not None:
            return
        try:
            await reload_once(load, proc, host, port, args, reloads)
        except (Unexpected, OSError, ValueError, KeyError) as e:
            load.stats.error("reload check failed", f"SIGHUP {reloads.sent}: {type(e).__name__} {e}")


async def reload_once(load: Load, proc, host: str, port: int, args, reloads: Reloads) -> None:
    folder = load.folder
    malformed = reloads.sent % args.malformed_every == args.malformed_every - 1
    what = folder.mutate(malformed)
    sent = time.monotonic()
    load.settled.clear()
    try:
        await signal_and_check(load, proc, host, port, args, reloads, malformed, what, sent)
    finally:
        load.settled.set()


async def signal_and_check(load: Load, proc, host: str, port: int, args, reloads: Reloads, malformed: bool,
                           what: str, sent: float) -> None:
    folder = load.folder
    proc.send_signal(signal.SIGHUP)
    reloads.sent += 1
    reloads.expected_failures += malformed
    counted = None
    while time.monotonic() - sent < args.reload_every * 0.9:
        values = await metric_values(host, port, "logitd_model_reloads_total")
        counted = {k: values.get(f'{{result="{k}"}}', 0.0) for k in ("success", "failure")}
        if sum(counted.values()) >= reloads.sent:
            break
        await asyncio.sleep(0.02)
    seen = time.monotonic()
    reloads.slowest = max(reloads.slowest, seen - sent)
    if counted is None or sum(counted.values()) < reloads.sent:
        load.stats.error("reload not counted", f"SIGHUP {reloads.sent} ({what}) not counted after "
                                               f"{seen - sent:.1f} s: {counted}")
        return
    result = "failure" if counted["failure"] > reloads.counted["failure"] else "success"
    reloads.counted = counted
    reloads.log.append(f"{sent - load.began:8.3f}–{seen - load.began:.3f} s  SIGHUP {reloads.sent}: {what} → {result}")
    if result != ("failure" if malformed else "success"):
        load.stats.error("reload with the wrong result", f"SIGHUP {reloads.sent} ({what}): {result}")
    if result == "success":
        load.served[-1][1] = seen
        load.served.append([sent, float("inf"), folder.served()])
        # A set that ended before the oldest request still running was sent is no longer a candidate.
        load.served = [e for e in load.served if e[1] > seen - 3 * RESPONSE_TIMEOUT]
    listed = await served_models(host, port)
    want = {key: (g.n, g.m) for key, g in load.served[-1][2].items()}
    if listed != want:
        load.stats.error("GET /models is not the folder", f"after SIGHUP {reloads.sent}: {sorted(listed)} "
                                                         f"!= {sorted(want)}")


# ---- the server process ----------------------------------------------------------------------


def proc_status(pid: int) -> tuple[float, int]:
    """(RSS in MiB, open fds) of `pid`, from /proc."""
    rss_kib = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss_kib = int(line.split()[1])
    return rss_kib / 1024.0, len(os.listdir(f"/proc/{pid}/fd"))


def start_server(binary: str, extra: list[str], log) -> tuple[subprocess.Popen, str, int]:
    argv = shlex.split(binary) + ["--port", "0", "--log-level", "error"] + extra
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    line = b""
    os.set_blocking(proc.stdout.fileno(), False)
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"soak: the server exited with {proc.returncode} before listening")
        try:
            chunk = proc.stdout.read()
        except BlockingIOError:
            chunk = None
        if chunk:
            line += chunk
            m = re.search(rb"listening on (\S+):(\d+)", line)
            if m:
                host = m.group(1).decode().strip("[]")
                return proc, host, int(m.group(2))
        time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"soak: no 'listening on HOST:PORT' line within 60 s (got {line[:200]!r})")


def median(xs):
    return statistics.median(xs) if xs else float("nan")


async def run(args) -> int:
    log = tempfile.NamedTemporaryFile(prefix="soak-server-", suffix=".log", delete=False)
    folder = None
    server_args = list(args.server_arg)
    if args.models:
        root = tempfile.mkdtemp(prefix="soak-models-")
        folder = models.Folder(root, args.seed)
        server_args += ["--model-dir", root]
    proc, host, port = start_server(args.binary, server_args, log)
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    print(f"soak: server pid {proc.pid} on {host}:{port}; {args.workers} workers and {args.slow_clients} slow "
          f"clients for {args.duration} s "
          f"(warm-up {args.warmup} s, sample every {args.sample} s); server stderr: {log.name}", flush=True)
    # One request first, so that whatever the server creates lazily on its first connection
    # (an event queue, a thread pool) counts as idle, not as a leak.
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(encode("GET", "/healthz", b"", {"Connection": "close"}))
    await writer.drain()
    await reader.read()
    writer.close()
    await asyncio.sleep(0.5)
    idle_rss, idle_fds = proc_status(proc.pid)
    print(f"soak: idle server: RSS {idle_rss:.1f} MiB, {idle_fds} fds", flush=True)

    stats = Stats()
    load = Load(host, port, args.seed, stats, folder)
    start = time.monotonic()
    load.began = start
    deadline = start + args.duration
    mix = [(n, w) for n, w in Load.SCENARIOS if (not args.only or n in args.only) and (args.models or n != "models")]
    workers = [asyncio.create_task(load.worker(i, deadline, mix)) for i in range(args.workers)]
    workers += [
        asyncio.create_task(load.worker(args.workers + i, deadline, [("slow_client", 1)]))
        for i in range(args.slow_clients)
    ]
    reloads = Reloads()
    if folder:
        print(f"soak: --models: {len(folder.present)} models in {folder.root}; the folder rewritten and SIGHUP "
              f"every {args.reload_every} s, a malformed file every {args.malformed_every}th time", flush=True)
        workers.append(asyncio.create_task(reloader(load, proc, host, port, deadline, args, reloads)))
    samples = []  # (t, requests, rss, fds, errors)
    print(f"{'time s':>7} {'requests':>9} {'req/s':>7} {'RSS MiB':>8} {'fds':>5} {'errors':>6}", flush=True)
    last_t, last_n = 0.0, 0
    failures = []
    while time.monotonic() < deadline:
        await asyncio.sleep(min(args.sample, max(0.0, deadline - time.monotonic())))
        if proc.poll() is not None:
            failures.append(f"the server died with status {proc.returncode}")
            break
        t = time.monotonic() - start
        rss, fds = proc_status(proc.pid)
        n = stats.requests
        rate = (n - last_n) / max(1e-9, t - last_t)
        last_t, last_n = t, n
        samples.append((t, n, rss, fds, stats.errors))
        print(f"{t:7.1f} {n:9d} {rate:7.0f} {rss:8.1f} {fds:5d} {stats.errors:6d}", flush=True)
    load.stopping = True
    await asyncio.gather(*workers)

    if proc.poll() is None:
        # Every client connection is closed now: the server's fds must come back to idle.
        stopped = time.monotonic()
        settle = stopped + 10
        while True:
            rss, fds = proc_status(proc.pid)
            if fds <= idle_fds + args.idle_fd_margin or time.monotonic() > settle:
                break
            await asyncio.sleep(0.2)
        took = time.monotonic() - stopped
        print(f"soak: after the load: RSS {rss:.1f} MiB, {fds} fds (idle was {idle_fds}), "
              f"{took:.1f} s after the last client went", flush=True)
        if took > 2:
            print("soak: note: the server took more than 2 s to close connections its clients had closed "
                  "or reset (see reset_probe.py)", flush=True)
        if fds > idle_fds + args.idle_fd_margin:
            failures.append(f"{fds} fds open 10 s after the load stopped, {idle_fds} when idle: a descriptor leak")

    if samples:
        rss_all, fds_all = [s[2] for s in samples], [s[3] for s in samples]
        print(f"soak: {len(samples)} samples: RSS first {rss_all[0]:.1f}, last {rss_all[-1]:.1f}, max "
              f"{max(rss_all):.1f} MiB; fds first {fds_all[0]}, last {fds_all[-1]}, max {max(fds_all)}", flush=True)
    if folder:
        if proc.poll() is None:
            try:
                values = await metric_values(host, port, "logitd_model_reloads_total")
                reloads.counted = {k: values.get(f'{{result="{k}"}}', 0.0) for k in ("success", "failure")}
            except (Unexpected, OSError) as e:
                failures.append(f"GET /metrics after the load: {e}")
        counted = reloads.counted["success"] + reloads.counted["failure"]
        print(f"soak: reloads: {reloads.sent} SIGHUPs sent ({reloads.expected_failures} with a malformed file); "
              f"logitd_model_reloads_total success {reloads.counted['success']:.0f}, failure "
              f"{reloads.counted['failure']:.0f}; slowest reload seen {reloads.slowest * 1000:.0f} ms after its "
              f"SIGHUP", flush=True)
        if counted != reloads.sent or reloads.counted["failure"] != reloads.expected_failures:
            failures.append(f"{reloads.sent} SIGHUPs ({reloads.expected_failures} to fail) but the counter says "
                            f"{reloads.counted}")
        print("soak: model requests: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.counts.items())), flush=True)
        if args.reload_log:
            with open(args.reload_log, "w") as f:
                f.write("\n".join(reloads.log) + "\n")
        shutil.rmtree(folder.root, ignore_errors=True)

    after = [s for s in samples if s[0] >= args.warmup]
    if len(after) >= 6:
        base_rss, last_rss = median([s[2] for s in after[:3]]), median([s[2] for s in after[-3:]])
        base_fds, last_fds = median([s[3] for s in after[:3]]), median([s[3] for s in after[-3:]])
        allowed = max(base_rss * args.rss_tolerance_pct / 100.0, args.rss_tolerance_mib)
        print(f"soak: RSS after warm-up {base_rss:.1f} → {last_rss:.1f} MiB (allowed growth {allowed:.1f} MiB); "
              f"fds {base_fds:.0f} → {last_fds:.0f} (allowed growth {args.fd_margin})", flush=True)
        if last_rss - base_rss > allowed:
            failures.append(f"RSS grew from {base_rss:.1f} to {last_rss:.1f} MiB after warm-up")
        if last_fds - base_fds > args.fd_margin:
            failures.append(f"open fds grew from {base_fds:.0f} to {last_fds:.0f} after warm-up")
    else:
        print(f"soak: only {len(after)} samples after warm-up: growth not judged (need 6)", flush=True)

    if stats.server_errors:
        failures.append(f"{stats.server_errors} responses with a 5xx status")
    if stats.errors:
        failures.append(f"{stats.errors} unexpected errors")

    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=args.shutdown_timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            code = None
        if code != 0:
            failures.append(f"after SIGTERM the server exited with {code if code is not None else 'nothing (killed)'}")
        else:
            print("soak: SIGTERM → exit 0", flush=True)

    elapsed = time.monotonic() - start
    print(f"soak: {stats.requests} requests in {elapsed:.0f} s ({stats.requests / max(1e-9, elapsed):.0f}/s); "
          f"scenarios: {', '.join(f'{k} {v}' for k, v in sorted(stats.scenarios.items()))}", flush=True)
    if stats.latencies:
        lat = sorted(stats.latencies)
        pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000  # noqa: E731
        print(f"soak: latency of {len(lat)} one-at-a-time requests (client side, includes the client's own "
              f"scheduling): p50 {pick(0.5):.1f} ms, p99 {pick(0.99):.1f} ms, p99.9 {pick(0.999):.1f} ms, "
              f"max {lat[-1] * 1000:.0f} ms", flush=True)
    print("soak: longest run of each scenario: "
          + ", ".join(f"{k} {v:.2f} s" for k, v in sorted(stats.slowest.items())), flush=True)
    for kind, count in sorted(stats.kinds.items(), key=lambda kv: -kv[1]):
        print(f"  error {count} × {kind}", flush=True)
        for ex in stats.examples[kind]:
            print(f"      {ex}", flush=True)
    log.close()
    if failures:
        tail = open(log.name, "rb").read()[-2000:].decode("utf-8", "replace")
        if tail.strip():
            print("soak: server stderr (tail):\n" + tail, flush=True)
        for f in failures:
            print(f"soak: FAIL: {f}", flush=True)
        return 1
    os.unlink(log.name)
    print("soak: PASS", flush=True)
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", required=True, help="the server command (split like a shell would)")
    p.add_argument("--duration", type=float, required=True, help="seconds of load")
    p.add_argument("--warmup", type=float, default=None, help="seconds before growth is measured (default: 20%% of the duration)")
    p.add_argument("--sample", type=float, default=5.0, help="seconds between samples")
    p.add_argument("--workers", type=int, default=8, help="workers running the fast scenarios")
    p.add_argument("--slow-clients", type=int, default=2, help="workers that only trickle requests")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--only", type=lambda v: set(v.split(",")), default=None,
                   help="comma-separated scenarios for the fast workers, to find which one grows memory "
                        f"({', '.join(n for n, _ in Load.SCENARIOS)})")
    p.add_argument("--rss-tolerance-pct", type=float, default=10.0)
    p.add_argument("--rss-tolerance-mib", type=float, default=8.0)
    p.add_argument("--fd-margin", type=int, default=None, help="allowed fd growth during the load (default: workers + slow clients + 4)")
    p.add_argument("--idle-fd-margin", type=int, default=2, help="allowed fds above idle once the load has stopped")
    p.add_argument("--shutdown-timeout", type=float, default=20.0, help="seconds to wait for exit after SIGTERM")
    p.add_argument("--models", action="store_true",
                   help="serve a model folder (--model-dir) that is rewritten and reloaded (SIGHUP) during the load, "
                        "and add the 'models' scenario: native, V2 JSON and binary requests to its models, "
                        "some compressed")
    p.add_argument("--reload-every", type=float, default=2.0, help="--models: seconds between SIGHUPs")
    p.add_argument("--malformed-every", type=int, default=5,
                   help="--models: every Nth rewrite adds a malformed file (that reload must fail)")
    p.add_argument("--reload-log", help="--models: write one line per SIGHUP (what changed, the result) here")
    p.add_argument("--server-arg", action="append", default=[], help="an extra argument for the server (repeatable)")
    args = p.parse_args()
    if args.warmup is None:
        args.warmup = args.duration * 0.2
    if args.only and not args.only <= {n for n, _ in Load.SCENARIOS}:
        p.error(f"--only: unknown scenario {sorted(args.only - {n for n, _ in Load.SCENARIOS})[0]}")
    if args.fd_margin is None:
        args.fd_margin = args.workers + args.slow_clients + 4
    if not sys.platform.startswith("linux"):
        print("soak: needs /proc (Linux)", file=sys.stderr)
        return 2
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
