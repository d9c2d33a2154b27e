#!/usr/bin/env python3
"""Seeded generator of HTTP/1.1 request byte streams: valid, borderline and hostile.

    generate.py --seed N --count M [--meta FILE] > inputs.b64
    generate.py --seed N --index I --raw          # the raw bytes of input I, to reproduce one

Each input is one base64 line on stdout; with --meta, a JSON line per input lists the tags of what
went into it (the features and mutations), which compare.py uses to describe a disagreement.
Input I depends only on (seed, I), so any input can be regenerated alone.

Profiles (by share of inputs):
- valid (35%): what a careful client sends: methods, origin-form targets, HTTP/1.1 and 1.0, Host,
  common fields, bodies framed by Content-Length or chunked (with extensions and trailers),
  Connection and Expect fields, pipelined groups, sometimes cut short.
- borderline (35%): legal but unusual: leading empty lines, odd OWS, empty values, obs-text,
  every tchar in names, extension methods, `*` and absolute-form targets, leading zeros in lengths
  and chunk sizes, quoted chunk extensions, many fields, header blocks at the 16 KiB limit.
- hostile (30%): what a smuggler or a broken client sends: bare CR and LF, controls and NUL,
  whitespace before the colon, obs-fold, Content-Length with Transfer-Encoding, duplicate and
  malformed lengths, unknown or misordered codings, bad chunk sizes and terminators, malformed
  request lines and versions, missing or repeated Host, and random byte flips, inserts and deletes.
"""

import argparse
import base64
import json
import random
import sys

TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
VCHARS = "".join(chr(c) for c in range(0x21, 0x7F))
COMMON_METHODS = ["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"]
EXTENSION_METHODS = ["PURGE", "M-SEARCH", "PROPFIND", "TRACE", "FOO", "get", "Post", "X-CUSTOM", "QUERY", "A"]
PATHS = ["/", "/sigmoid", "/softmax", "/linear", "/classify", "/healthz", "/readyz", "/metrics", "/openapi.yaml"]
FIELD_POOL = [
    ("User-Agent", ["curl/8.5.0", "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/120.0", "soak/1"]),
    ("Accept", ["*/*", "application/json", "application/problem+json, application/json;q=0.9"]),
    ("Content-Type", ["application/json", "text/plain; charset=utf-8", "application/x-www-form-urlencoded"]),
    ("Accept-Encoding", ["gzip, deflate, br", "identity"]),
    ("X-Request-Id", ["4f1c2a9e-0b7d-4c55-9f0e-3f7a1c2b8d6e", "abc"]),
    ("Cache-Control", ["no-cache", "max-age=0"]),
    ("Authorization", ["Bearer eyJhbGciOi.JIUzI1NiJ9.e30", "Basic dXNlcjpwYXNz"]),
    ("Cookie", ["a=1; b=2", "session=xyz"]),
    ("Forwarded", ['for=192.0.2.60;proto=http;by=203.0.113.43', 'for="[2001:db8:cafe::17]:4711"']),
    ("Via", ["1.1 proxy", "HTTP/1.1 a, 1.0 b"]),
]


class Gen:
    def __init__(self, rng: random.Random):
        self.r = rng
        self.tags: list[str] = []

    def tag(self, t: str) -> None:
        self.tags.append(t)

    def chance(self, p: float) -> bool:
        return self.r.random() < p

    # ---- pieces ----------------------------------------------------------------------------

    def path(self) -> str:
        r = self.r
        p = r.choice(PATHS)
        if self.chance(0.2):
            p += "".join(r.choice("abcxyz019-._~%2F") for _ in range(r.randint(1, 12)))
        if self.chance(0.2):
            p += "?" + "&".join(f"{r.choice('abq')}={r.randint(0, 99)}" for _ in range(r.randint(1, 3)))
        return p

    def body_bytes(self, big: bool = False) -> bytes:
        r = self.r
        n = r.choice([0, 1, 2, 5, 17, 64, 300]) if not big else r.choice([4096, 65536, 100000])
        if self.chance(0.5):
            # A JSON body like the service gets.
            nums = ",".join(str(round(r.uniform(-50, 50), r.randint(0, 6))) for _ in range(max(1, n // 8)))
            return ('{"logits":[' + nums + "]}").encode()
        return bytes(r.randrange(256) for _ in range(n))

    def chunked(self, body: bytes, borderline: bool) -> bytes:
        r = self.r
        out = bytearray()
        i = 0
        while i < len(body):
            n = r.randint(1, max(1, min(len(body) - i, 300)))
            size = format(n, "x")
            if borderline and self.chance(0.3):
                size = size.upper() if self.chance(0.5) else "0" * r.randint(1, 4) + size
                self.tag("chunk-size-form")
            ext = ""
            if self.chance(0.15 if not borderline else 0.4):
                ext = r.choice([";a=b", ";name", ';q="quoted ; value"', ";a=b;c", " ;a=b", "\t;x=1", ";a = b"])
                self.tag("chunk-ext")
            out += f"{size}{ext}\r\n".encode() + body[i : i + n] + b"\r\n"
            i += n
        last = "0"
        if borderline and self.chance(0.2):
            last = "000"
            self.tag("last-chunk-000")
        out += f"{last}\r\n".encode()
        if self.chance(0.2):
            out += b"Expires: never\r\nX-Checksum: abc\r\n"
            self.tag("trailers")
        out += b"\r\n"
        return bytes(out)

    # ---- whole requests --------------------------------------------------------------------

    def build(self, profile: str) -> bytes:
        """One request (request line, fields, body) in `profile`."""
        r = self.r
        border = profile == "borderline"
        method = r.choice(COMMON_METHODS)
        if border and self.chance(0.2):
            method = r.choice(EXTENSION_METHODS)
            self.tag("extension-method")
        target = self.path()
        if border and self.chance(0.1):
            if self.chance(0.5):
                method, target = "OPTIONS", "*"
                self.tag("asterisk-form")
            else:
                target = "http://example.com" + target
                self.tag("absolute-form")
        version = "HTTP/1.1" if self.chance(0.8) else "HTTP/1.0"
        if version == "HTTP/1.0":
            self.tag("http10")

        fields: list[tuple[str, str]] = []
        if version == "HTTP/1.1" or self.chance(0.5):
            fields.append(("Host", r.choice(["example.com", "127.0.0.1:8080", "[::1]:8080", "a"])))
        for _ in range(r.randint(0, 4)):
            name, values = r.choice(FIELD_POOL)
            fields.append((name, r.choice(values)))
        if self.chance(0.2):
            fields.append(("Connection", r.choice(["keep-alive", "close", "Keep-Alive", "close, TE", "upgrade"])))
            self.tag("connection")
        if version == "HTTP/1.0" and self.chance(0.3):
            fields.append(("Connection", "keep-alive"))
            self.tag("http10-keep-alive")

        body = b""
        framing = r.choice(["none", "none", "length", "length", "chunked"])
        if method in ("GET", "HEAD") and self.chance(0.7):
            framing = "none"
        if version == "HTTP/1.0" and framing == "chunked":
            framing = "length"
        if framing != "none":
            body = self.body_bytes(big=self.chance(0.01))
            if framing == "length":
                cl = str(len(body))
                if border and self.chance(0.1):
                    cl = "0" * r.randint(1, 3) + cl
                    self.tag("cl-leading-zeros")
                fields.append(("Content-Length", cl))
                self.tag("content-length")
            else:
                te = "chunked"
                if border and self.chance(0.2):
                    te = r.choice(["Chunked", "CHUNKED", " chunked", "chunked ", ", chunked"])
                    self.tag("te-form")
                fields.append(("Transfer-Encoding", te))
                body = self.chunked(body, border)
                self.tag("chunked")
            if self.chance(0.1) and version == "HTTP/1.1":
                fields.append(("Expect", r.choice(["100-continue", "100-Continue", "something-else"])))
                self.tag("expect")
        r.shuffle(fields)

        if border:
            fields = self.borderline_fields(fields)

        head = f"{method} {target} {version}\r\n".encode()
        for name, value in fields:
            head += self.field_line(name, value, border)
        head += b"\r\n"
        if border and self.chance(0.05):
            head = b"\r\n" * r.randint(1, 2) + head
            self.tag("leading-crlf")
        return head + body

    def field_line(self, name: str, value, border: bool) -> bytes:
        r = self.r
        v = value.encode("latin-1") if isinstance(value, str) else value
        sep = b": "
        if border and self.chance(0.15):
            sep = r.choice([b":", b":   ", b":\t", b": \t "])
            self.tag("ows-before-value")
        tail = b""
        if border and self.chance(0.1):
            tail = r.choice([b" ", b"\t", b"  \t"])
            self.tag("ows-after-value")
        if border and self.chance(0.3):
            name = "".join(c.upper() if self.chance(0.5) else c.lower() for c in name)
        return name.encode("latin-1") + sep + v + tail + b"\r\n"

    def borderline_fields(self, fields):
        r = self.r
        if self.chance(0.2):
            fields.append(("X-Empty", ""))
            self.tag("empty-value")
        if self.chance(0.15):
            fields.append(("X-Obs-Text", bytes(r.randint(0x80, 0xFF) for _ in range(r.randint(1, 6))) + b"ok"))
            self.tag("obs-text")
        if self.chance(0.15):
            fields.append(("X-Utf8", "caf\u00e9 \u2713".encode("utf-8")))
            self.tag("utf8-value")
        if self.chance(0.1):
            fields.append(("".join(r.choice(TCHARS) for _ in range(r.randint(1, 20))), "tchar name"))
            self.tag("tchar-name")
        if self.chance(0.1):
            fields.append(("X-Vchar", "".join(r.choice(VCHARS + " \t") for _ in range(r.randint(1, 40))).strip()))
            self.tag("vchar-value")
        if self.chance(0.05):
            for i in range(r.randint(33, 120)):
                fields.append((f"X-Many-{i}", str(i)))
            self.tag("many-fields")
        if self.chance(0.03):
            # A header block right at the 16 KiB limit (request line + fields + CRLFs), either side.
            size = 16384 + r.randint(-40, 40)
            fields.append(("X-Pad", "p"))
            current = sum(len(n) + len(v) + 4 for n, v in fields) + 40
            fields[-1] = ("X-Pad", "p" * max(1, size - current))
            self.tag("header-limit")
        if self.chance(0.05):
            fields.append(("Connection", "keep-alive, close"))
            self.tag("connection-list")
        return fields

    # ---- hostile mutations -----------------------------------------------------------------

    HOSTILE = [
        "bare-lf", "bare-cr", "cr-in-value", "nul", "control-in-value", "control-in-name", "space-before-colon",
        "tab-before-colon", "obs-fold", "cl-and-te", "duplicate-cl", "cl-list", "bad-cl", "huge-cl", "bad-te",
        "te-http10", "bad-chunk-size", "huge-chunk-size", "chunk-data-mismatch", "bad-trailer", "request-line",
        "version", "target", "no-host", "two-hosts", "no-colon", "empty-name", "byte-mutation", "huge-line",
        "non-ascii-name", "lf-lf", "chunk-lf-only", "bad-host", "bad-chunk-ext",
    ]

    def hostile(self) -> bytes:
        r = self.r
        kind = r.choice(self.HOSTILE)
        self.tag(kind)
        version = "HTTP/1.1" if kind != "te-http10" else "HTTP/1.0"
        body = self.body_bytes()
        host = b"Host: example.com\r\n"
        line = f"POST {self.path()} {version}\r\n".encode()
        cl = f"Content-Length: {len(body)}\r\n".encode()

        def simple(fields: bytes, payload: bytes = body, line: bytes = line) -> bytes:
            return line + fields + b"\r\n" + payload

        if kind == "bare-lf":
            data = simple(host + cl)
            spots = [i for i in range(len(data) - len(body)) if data[i : i + 2] == b"\r\n"]
            i = r.choice(spots)
            return data[:i] + data[i + 1 :]
        if kind == "lf-lf":
            return line.replace(b"\r\n", b"\n") + b"Host: a\n" + cl.replace(b"\r\n", b"\n") + b"\n" + body
        if kind == "bare-cr":
            data = simple(host + cl)
            i = r.randrange(len(data) - len(body))
            return data[:i] + b"\r" + data[i:]
        if kind == "cr-in-value":
            return simple(host + b"X-A: a\rb\r\n" + cl)
        if kind == "nul":
            where = r.choice(["value", "name", "target", "method"])
            self.tag("nul-" + where)
            if where == "value":
                return simple(host + b"X-A: a\x00b\r\n" + cl)
            if where == "name":
                return simple(host + b"X-\x00A: b\r\n" + cl)
            if where == "target":
                return simple(host + cl, line=b"POST /a\x00b HTTP/1.1\r\n")
            return simple(host + cl, line=b"PO\x00ST / HTTP/1.1\r\n")
        if kind == "control-in-value":
            c = bytes([r.choice([*range(1, 9), *range(0x0B, 0x0D), *range(0x0E, 0x20), 0x7F])])
            return simple(host + b"X-A: a" + c + b"b\r\n" + cl)
        if kind == "control-in-name":
            c = bytes([r.choice([*range(1, 0x20), 0x7F])])
            return simple(host + b"X" + c + b"A: b\r\n" + cl)
        if kind == "space-before-colon":
            return simple(host + r.choice([b"Content-Length : ", b"X-A : "]) + str(len(body)).encode() + b"\r\n" + cl)
        if kind == "tab-before-colon":
            return simple(host + b"X-A\t: b\r\n" + cl)
        if kind == "obs-fold":
            return simple(host + b"X-A: a\r\n" + r.choice([b" ", b"\t", b"  "]) + b"b\r\n" + cl)
        if kind == "cl-and-te":
            chunked = self.chunked(body, False)
            te = b"Transfer-Encoding: chunked\r\n"
            wrong = f"Content-Length: {r.choice([0, len(chunked), 3])}\r\n".encode()
            return simple(host + (te + wrong if self.chance(0.5) else wrong + te), chunked)
        if kind == "duplicate-cl":
            other = len(body) if self.chance(0.5) else len(body) + r.randint(1, 5)
            self.tag("same" if other == len(body) else "different")
            return simple(host + cl + f"Content-Length: {other}\r\n".encode())
        if kind == "cl-list":
            n = len(body)
            return simple(host + r.choice([f"Content-Length: {n}, {n}", f"Content-Length: {n},{n + 1}", f"Content-Length: {n},"]).encode() + b"\r\n")
        if kind == "bad-cl":
            v = r.choice(["+5", "-1", "0x10", "5.0", "1e3", "", " ", "5 5", "five", "\u0665".encode().decode("latin-1"), "5\x0b"])
            return simple(host + b"Content-Length: " + v.encode("latin-1") + b"\r\n", b"hello")
        if kind == "huge-cl":
            v = r.choice(["99999999999999999999999", "9223372036854775807", "9223372036854775808", "8388609", "18446744073709551616"])
            return simple(host + f"Content-Length: {v}\r\n".encode(), b"x")
        if kind == "bad-te":
            te = r.choice(["gzip", "gzip, chunked", "chunked, gzip", "identity", "", "chunked, chunked", "chunked;q=1", "x-unknown", "chunked\x0b"])
            self.tag("te=" + te)
            return simple(host + b"Transfer-Encoding: " + te.encode("latin-1") + b"\r\n", self.chunked(body, False))
        if kind == "te-http10":
            return simple(b"Transfer-Encoding: chunked\r\n", self.chunked(body, False))
        if kind == "bad-chunk-size":
            size = r.choice(["g", "-1", "0x5", "", " 5", "5 ", "+5", "5;", "5 ;", ";a=b", "5\x00"])
            return simple(host + b"Transfer-Encoding: chunked\r\n", size.encode() + b"\r\nhello\r\n0\r\n\r\n")
        if kind == "bad-chunk-ext":
            ext = r.choice([";", " ;", ";;", ";=x", ";a=", ";a b", ";a=b c", ';a="open', ";a=b;", ";\x80", ";a=\"x\"y"])
            return simple(host + b"Transfer-Encoding: chunked\r\n", b"5" + ext.encode("latin-1") + b"\r\nhello\r\n0\r\n\r\n")
        if kind == "bad-host":
            # RFC 9112 §3.2: a Host with an invalid value MUST get 400 (Host = uri-host [ ":" port ]).
            value = r.choice([b"a b", b"a, b", b"a/b", b"a@b", b"[::1", b"a:b:c", b"a:port", b"\xc3\xa9"])
            return simple(b"Host: " + value + b"\r\n" + cl)
        if kind == "huge-chunk-size":
            size = r.choice(["fffffffffffffffff", "7fffffffffffffff", "8000000000000000", "800001", "1" + "0" * 30])
            return simple(host + b"Transfer-Encoding: chunked\r\n", size.encode() + b"\r\nhello\r\n0\r\n\r\n")
        if kind == "chunk-data-mismatch":
            n = r.choice([3, 7])
            return simple(host + b"Transfer-Encoding: chunked\r\n", f"{n}\r\nhello\r\n0\r\n\r\n".encode())
        if kind == "chunk-lf-only":
            return simple(host + b"Transfer-Encoding: chunked\r\n", r.choice([b"5\nhello\r\n0\r\n\r\n", b"5\r\nhello\n0\r\n\r\n", b"5\r\nhello\r\n0\n\n"]))
        if kind == "bad-trailer":
            t = r.choice([b"X : y\r\n", b"X: a\rb\r\n", b" folded\r\n", b"no colon\r\n", b"X:\x00\r\n"])
            return simple(host + b"Transfer-Encoding: chunked\r\n", b"5\r\nhello\r\n0\r\n" + t + b"\r\n")
        if kind == "request-line":
            bad = r.choice([b"GET  / HTTP/1.1", b"GET /  HTTP/1.1", b"GET\t/ HTTP/1.1", b"GET / HTTP/1.1 ", b" GET / HTTP/1.1", b"GET /", b"GET", b"/ HTTP/1.1", b"GET / HTTP/1.1 extra", b"G(T / HTTP/1.1", b"GET HTTP/1.1"])
            return bad + b"\r\n" + host + b"\r\n"
        if kind == "version":
            v = r.choice([b"HTTP/2.0", b"HTTP/0.9", b"HTTP/1.2", b"http/1.1", b"HTTP/1.10", b"HTTP/11", b"HTTP/1", b"HTTP/ 1.1", b"HTTPS/1.1", b"HTTP/1.1.1", b"HTTP/3.0", b"HTTP/9.9"])
            return b"GET / " + v + b"\r\n" + host + b"\r\n"
        if kind == "target":
            t = r.choice([b"/a b", b"/a\tb", b"/\x7f", b"/caf\xc3\xa9", b"/\xff", b"noslash", b"*", b"/#frag", b"//x", b"/a?b#c", b"http:/x", b"HTTP://h/x", b"a:b", b"/?q={}|\\^`"])
            return b"GET " + t + b" HTTP/1.1\r\n" + host + b"\r\n"
        if kind == "no-host":
            return simple(cl)
        if kind == "two-hosts":
            return simple(host + cl + r.choice([b"Host: example.com\r\n", b"host: other\r\n"]))
        if kind == "no-colon":
            return simple(host + b"NoColonHere\r\n" + cl)
        if kind == "empty-name":
            return simple(host + b": value\r\n" + cl)
        if kind == "non-ascii-name":
            return simple(host + b"X-\xc3\xa9: v\r\n" + cl)
        if kind == "huge-line":
            n = 16384 + r.randint(-100, 100)
            return b"GET /" + b"a" * n + b" HTTP/1.1\r\n" + host + b"\r\n"
        # byte-mutation: flip, insert or delete a few bytes of a valid request.
        data = bytearray(self.build("valid"))
        for _ in range(r.randint(1, 3)):
            op = r.choice(["flip", "insert", "delete", "special"])
            i = r.randrange(len(data) + 1)
            if op == "flip" and i < len(data):
                data[i] ^= 1 << r.randrange(8)
            elif op == "insert":
                data[i:i] = bytes([r.randrange(256)])
            elif op == "delete" and i < len(data):
                del data[i]
            else:
                data[i:i] = r.choice([b"\r", b"\n", b"\r\n", b" ", b":", b"\x00", b"\t", b";", b","])
        return bytes(data)

    def input(self) -> bytes:
        r = self.r
        x = r.random()
        profile = "valid" if x < 0.35 else "borderline" if x < 0.70 else "hostile"
        self.tag(profile)
        if profile == "hostile":
            data = self.hostile()
        else:
            data = self.build(profile)
        if self.chance(0.2):
            # Pipelined: one to three more requests in the same stream.
            self.tag("pipelined")
            for _ in range(r.randint(1, 3)):
                extra = self.build("valid" if self.chance(0.7) else "borderline")
                if self.chance(0.1):
                    data += b"\r\n"  # the stray CRLF some clients send after a body
                    self.tag("crlf-between")
                data += extra
            if profile == "hostile" and self.chance(0.5):
                data = self.build("valid") + data
        if self.chance(0.05):
            self.tag("truncated")
            data = data[: r.randrange(len(data) + 1)]
        return data


def generate(seed: int, index: int) -> tuple[bytes, list[str]]:
    g = Gen(random.Random(seed * 1_000_003 + index))
    data = g.input()
    return data, g.tags


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--index", type=int, help="print only input INDEX")
    p.add_argument("--raw", action="store_true", help="with --index: the raw bytes, not base64")
    p.add_argument("--meta", help="write each input's tags to this file (JSON lines)")
    a = p.parse_args()
    out = sys.stdout
    if a.index is not None:
        data, tags = generate(a.seed, a.index)
        if a.raw:
            sys.stdout.buffer.write(data)
        else:
            out.write(base64.b64encode(data).decode() + "\n")
            print(json.dumps(tags), file=sys.stderr)
        return
    meta = open(a.meta, "w") if a.meta else None
    for i in range(a.count):
        data, tags = generate(a.seed, i)
        out.write(base64.b64encode(data).decode())
        out.write("\n")
        if meta:
            meta.write(json.dumps(tags))
            meta.write("\n")
    if meta:
        meta.close()


if __name__ == "__main__":
    main()
