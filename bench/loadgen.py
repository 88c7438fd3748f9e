"""The load generator when wrk is missing: one of several processes, a few connections each.

    python -m bench.loadgen MESSAGES_FILE URL INDEX PROCESSES CONNECTIONS SECONDS

Sends lines INDEX, INDEX+PROCESSES, ... of MESSAGES_FILE (the format bench/wrk_inbound.lua
reads: signature, a tab, the form body) as POSTs to URL over CONNECTIONS keep-alive
connections (one thread each, `http.client`: far less CPU a request than an async client),
for SECONDS, each message once (wrapping around when it runs out, counted). Prints one JSON
line: requests, seconds taken, non-200, wraps, latencies in seconds.
"""

from __future__ import annotations

import http.client
import itertools
import json
import sys
import threading
import time
from urllib.parse import urlsplit


def main(argv: list[str]) -> int:
    """Send until the time is up; print what was measured."""
    path, url, index, processes, connections, seconds = argv
    lines = [
        line.rstrip("\n").split("\t", 1)
        for k, line in enumerate(open(path, encoding="utf-8"))  # noqa: SIM115
        if k % int(processes) == int(index)
    ]
    target = urlsplit(url)
    mine = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    failures = wraps = 0
    began = time.perf_counter()
    stop_at = began + float(seconds)

    def worker() -> None:
        nonlocal failures, wraps
        conn = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=60)
        while time.perf_counter() < stop_at:
            with lock:
                n = next(mine)
            if n and n % len(lines) == 0:
                wraps += 1
            signature, body = lines[n % len(lines)]
            started = time.perf_counter()
            conn.request(
                "POST",
                target.path,
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Twilio-Signature": signature,
                },
            )
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                failures += response.status != 200
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(int(connections))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    print(
        json.dumps(
            {
                "requests": len(latencies),
                "seconds": time.perf_counter() - began,
                "errors": failures,
                "wraps": wraps,
                "latencies": latencies,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
