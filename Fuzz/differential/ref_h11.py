#!/usr/bin/env python3
"""Reference parser 1: Python's h11 (a pure-Python HTTP/1.1 implementation written from RFC 7230).

Reads base64 lines (one input each) on stdin and prints one JSON line per input in parsedump's
schema (see parsedump.swift), so compare.py can put the two side by side:

    {"ok": true, "end": "idle|pending|closed", "requests": [...]}
    {"ok": false, "status": 400, "error": "...", "after": N, "requests": [...]}

h11 plays the server: after each complete request it answers an empty 200 so that it will parse
the next pipelined one (h11 refuses to start a new cycle before the response is done). Whether it
would keep the connection open is h11's own judgement (its state machine goes to MUST_CLOSE).
"""

import base64
import json
import sys

import h11

MAX_HEADER_SIZE = 16384  # the same limit as ParserLimits.maxHeaderSize


def text(b: bytes) -> str:
    # Swift's String(decoding:as: UTF8.self) replaces each maximal ill-formed subpart with U+FFFD;
    # Python's "replace" handler follows the same Unicode recommendation.
    return b.decode("utf-8", "replace")


def parse(data: bytes) -> dict:
    conn = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEADER_SIZE)
    requests = []
    current = None
    body = bytearray()
    end = None
    try:
        if data:  # receive_data(b"") would mean end of file
            conn.receive_data(data)
        while True:
            event = conn.next_event()
            if isinstance(event, h11.Request):
                current = {
                    "method": text(event.method),
                    "target": text(event.target),
                    "version": text(event.http_version),
                    "headers": [[text(n), text(v)] for n, v in event.headers.raw_items()],
                }
                body = bytearray()
            elif isinstance(event, h11.Data):
                body += event.data
            elif isinstance(event, h11.EndOfMessage):
                current["body_b64"] = base64.b64encode(bytes(body)).decode()
                conn.send(h11.Response(status_code=200, headers=[("Content-Length", "0")]))
                conn.send(h11.EndOfMessage())
                keep_alive = conn.our_state is h11.DONE and conn.their_state is h11.DONE
                current["keep_alive"] = keep_alive
                requests.append(current)
                current = None
                if not keep_alive:
                    end = "closed"
                    break
                conn.start_next_cycle()
            elif event is h11.NEED_DATA:
                idle = conn.their_state is h11.IDLE and not conn.trailing_data[0]
                end = "idle" if idle else "pending"
                break
            else:  # PAUSED cannot happen (we start the next cycle), ConnectionClosed neither (no EOF sent)
                raise AssertionError(f"unexpected h11 event {event!r}")
    except h11.RemoteProtocolError as error:
        return {
            "ok": False,
            "status": error.error_status_hint,
            "error": str(error),
            "after": len(requests),
            "requests": requests,
        }
    return {"ok": True, "end": end, "requests": requests}


def main() -> None:
    out = sys.stdout
    for line in sys.stdin:
        data = base64.b64decode(line.strip())
        out.write(json.dumps(parse(data), separators=(",", ":")))
        out.write("\n")


if __name__ == "__main__":
    main()
