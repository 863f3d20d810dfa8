"""Dealers' shop software recording purchases: a load generator in its own process.

    python bench/register_load.py HOST PORT SECONDS TOKENS_FILE

One client thread per dealer token (one a line), each with a keep-alive connection,
POSTs complete purchases (every field the law asks, one serial number each, all
invented) to /api/v1/dealer/purchases as fast as the server answers. Prints one JSON
object: recorded (201s), errors (anything else), seconds, recorded_per_s and latency
percentiles in ms.
"""

from __future__ import annotations

import http.client
import json
import sys
import threading
import time
from datetime import UTC, datetime

from loadgen import percentile


def purchase(client: int, n: int) -> bytes:
    return json.dumps({
        "acquired_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "category": "telefoon", "brand": "Benchmerk", "model": "B1", "colour": "zwart",
        "description": "telefoon met krassen (benchmark, verzonnen)",
        "price_cents": 4500, "terms": "purchase",
        "identifiers": [{"kind": "serial", "identifier": f"BNCH{client:02d}X{n:07d}"}],
        "seller": {
            "surname": "Verzonnen", "first_names": "Bench", "birth_date": "1980-02-03",
            "birth_place": "Nergenshuizen", "address": "Proefstraat 1, 9999 ZZ Nergenshuizen",
            "id_document": {"type": "id_card", "number": f"BENCH{client:02d}{n:06d}",
                            "country": "NL"},
        },
    }).encode()  # fmt: skip


def client(host: str, port: int, token: str, index: int, until: float,
           out: list[float], errors: list[int]) -> None:  # fmt: skip
    conn = http.client.HTTPConnection(host, port, timeout=30)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    n = 0
    while time.perf_counter() < until:
        n += 1
        start = time.perf_counter()
        try:
            conn.request("POST", "/api/v1/dealer/purchases", purchase(index, n), headers)
            response = conn.getresponse()
            response.read()
            ok = response.status == 201
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
            ok = False
        out.append(time.perf_counter() - start)
        if not ok:
            errors[0] += 1
    conn.close()


def main() -> None:
    host, port, seconds, tokens_file = sys.argv[1:5]
    with open(tokens_file, encoding="utf-8") as f:
        tokens = [line.strip() for line in f if line.strip()]
    until = time.perf_counter() + float(seconds)
    latencies: list[float] = []
    errors = [0]
    threads = [threading.Thread(target=client, args=(host, int(port), token, k, until,
               latencies, errors)) for k, token in enumerate(tokens)]  # fmt: skip
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    recorded = len(latencies) - errors[0]
    print(json.dumps({
        "recorded": recorded, "errors": errors[0], "seconds": round(elapsed, 2),
        "recorded_per_s": round(recorded / elapsed, 1), "clients": len(tokens),
        **{f"p{q}_ms": round(percentile(latencies, q) * 1000, 2) for q in (50, 95, 99)},
    }))  # fmt: skip


if __name__ == "__main__":
    main()
