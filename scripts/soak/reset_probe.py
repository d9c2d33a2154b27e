#!/usr/bin/env python3
"""Does the server close a connection as soon as its client resets it mid-body?

    scripts/soak/reset_probe.py --binary PATH [--count 20000]

Opens COUNT connections one after another, each sending a request head and part of its body and
then resetting (SO_LINGER 0), and prints the server's open fds after the last one, 0.5 s to 12 s
later. A server that notices every reset is back to its idle count at once; one that misses some
holds them until its request timeout (10 s by default). Exit status 1 when fds are still above idle
+ 2 after 2 s. Standard library only; a diagnostic beside soak.py, which tolerates up to 10 s.
"""

import argparse
import json
import os
import re
import socket
import struct
import subprocess
import sys
import time


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", required=True)
    p.add_argument("--count", type=int, default=20000)
    args = p.parse_args()
    server = subprocess.Popen([args.binary, "--port", "0", "--log-level", "error"], stdout=subprocess.PIPE)
    try:
        port = int(re.search(rb"listening on \S+:(\d+)", server.stdout.readline()).group(1))
        fds = lambda: len(os.listdir(f"/proc/{server.pid}/fd"))  # noqa: E731
        body = json.dumps({"logits": list(range(200))}).encode()
        request = (
            b"POST /softmax HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body) + body
        )
        time.sleep(0.3)
        # One whole request first, as soak.py does: what the server creates on its first connection
        # (its event loops' pollers, Dispatch's timerfd) stays for the process's life and is idle.
        warm = socket.create_connection(("127.0.0.1", port))
        warm.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        while warm.recv(4096):
            pass
        warm.close()
        time.sleep(0.3)
        idle = fds()
        began = time.monotonic()
        for _ in range(args.count):
            s = socket.create_connection(("127.0.0.1", port))
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.sendall(request[: len(request) - 100])
            time.sleep(0.001)
            s.close()
        print(f"reset_probe: {args.count} connections reset mid-body in {time.monotonic() - began:.1f} s; "
              f"idle fds {idle}")
        last = time.monotonic()
        at_two = None
        for t in (0.5, 1, 2, 5, 9, 12):
            time.sleep(max(0.0, last + t - time.monotonic()))
            n = fds()
            print(f"reset_probe: {t:4.1f} s later: {n} fds")
            if t == 2:
                at_two = n
        if at_two is not None and at_two > idle + 2:
            print(f"reset_probe: FAIL: {at_two - idle} reset connections still open 2 s later")
            return 1
        print("reset_probe: PASS")
        return 0
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    sys.exit(main())
