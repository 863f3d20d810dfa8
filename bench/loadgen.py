"""A small HTTP load generator, used when wrk is not installed; runs as its own process.

    python bench/loadgen.py HOST PORT SECONDS CLIENTS PATHS_FILE

Each client is a thread with one keep-alive connection that requests the paths of
PATHS_FILE (one a line) round robin, starting at its own offset. Prints one JSON
object: requests, errors, seconds, requests_per_s and latency percentiles in ms.
Python threads share one core's worth of interpreter, so this generator saturates
sooner than wrk; the result says which generator measured it.
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time


def client(host: str, port: int, paths: list[str], offset: int, until: float,
           out: list[float], errors: list[int]) -> None:  # fmt: skip
    conn = http.client.HTTPConnection(host, port, timeout=30)
    i = offset
    while time.perf_counter() < until:
        path = paths[i % len(paths)]
        i += 1
        start = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
            ok = False
        out.append(time.perf_counter() - start)
        if not ok:
            errors[0] += 1
    conn.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    host, port, seconds, clients, paths_file = sys.argv[1:6]
    with open(paths_file, encoding="utf-8") as f:
        paths = [line.strip() for line in f if line.strip()]
    until = time.perf_counter() + float(seconds)
    latencies: list[float] = []
    errors = [0]
    n = int(clients)
    threads = [threading.Thread(target=client, args=(host, int(port), paths,
               k * len(paths) // n, until, latencies, errors)) for k in range(n)]  # fmt: skip
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    print(json.dumps({
        "requests": len(latencies), "errors": errors[0], "seconds": round(elapsed, 2),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        **{f"p{q}_ms": round(percentile(latencies, q) * 1000, 2) for q in (50, 95, 99)},
    }))  # fmt: skip


if __name__ == "__main__":
    main()
