"""Acceptance 2: checks at twice the sustainable rate get 429s and 503s with Retry-After,
never a 500, and the service recovers by itself when the load stops.

A live gunicorn on loopback with small limits (one worker, four threads, one check at a
time). The sustainable rate is measured first, in the same run, with closed-loop clients;
then an open-loop generator (requests sent on a schedule, whatever the answers' speed)
sends twice that rate for a few seconds: a quarter from one greedy address (the per-client
rate limit answers 429), the rest spread over many addresses (the concurrency gate answers
503).
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from .conftest import gunicorn

pytestmark = [pytest.mark.slow]
LOAD_SECONDS = 4.0


def get(base: str, q: str, address: str) -> tuple[int, str | None]:
    request = urllib.request.Request(
        f"{base}/api/v1/check?q={q}", headers={"X-Forwarded-For": address}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # our loopback server
            response.read()
            return response.status, response.headers.get("Retry-After")
    except urllib.error.HTTPError as error:
        error.read()
        return error.code, error.headers.get("Retry-After")


def sustainable_rate(base: str, seconds: float = 2.0, clients: int = 8) -> float:
    """Checks per second that the server answers 200 with ``clients`` closed-loop clients
    (more than it has threads, so that it is fully used)."""
    done = Counter()
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        i = 0
        while time.monotonic() < stop:
            status, _ = get(base, f"RATE{n}X{i:06d}", f"10.9.{n}.1")
            done[status] += 1
            i += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(done) <= {200, 503}, done
    return done[200] / seconds


def open_loop(base: str, rate: float, seconds: float) -> list[tuple[int, str | None]]:
    """Send ``rate`` checks per second on a fixed schedule for ``seconds``."""
    total = int(rate * seconds)
    started = time.monotonic()

    def one(i: int) -> tuple[int, str | None]:
        delay = started + i / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        # A quarter from one greedy client, the rest spread over 200 addresses (which
        # alone are 1.5 times what the server can do).
        address = "10.1.1.1" if i % 4 == 0 else f"10.2.{i % 200}.{1 + i % 7}"
        return get(base, f"LOAD{i:07d}", address)

    with ThreadPoolExecutor(max_workers=64) as pool:
        return list(pool.map(one, range(total)))


def test_twice_the_sustainable_rate_sheds_load_cleanly_and_recovers(database_url, add_items):
    add_items(*({"kind": "serial", "identifier": f"LOADITEM{n:05d}"} for n in range(50)))
    settings = {
        "STOPHELING_THREADS": "4",
        "STOPHELING_CHECK_CONCURRENCY": "1",
        "STOPHELING_CHECK_QUEUE_MS": "0",
        "STOPHELING_TRUSTED_PROXIES": "1",  # X-Forwarded-For names the client
        "STOPHELING_ENUMERATION_MISSES": "100000",  # this test is about load, not walking
    }
    with gunicorn(database_url, **settings) as (base, process):
        rate = sustainable_rate(base)
        # The greedy client may use about a third of what it sends in the load.
        greedy = 2 * rate * LOAD_SECONDS / 4
        settings["STOPHELING_CHECK_RATE_LIMIT"] = f"{max(5, int(greedy / 3))}/minute"
    with gunicorn(database_url, **settings) as (base, process):
        answers = open_loop(base, 2 * rate, LOAD_SECONDS)
        statuses = Counter(status for status, _ in answers)
        print(f"sustainable {rate:.0f}/s; at {2 * rate:.0f}/s: {dict(statuses)}")
        assert set(statuses) <= {200, 429, 503}, statuses
        assert statuses[429] > 0 and statuses[503] > 0 and statuses[200] > 0, statuses
        missing = [(s, r) for s, r in answers if s in (429, 503) and not (r and r.isdigit())]
        assert missing == [], missing[:5]
        # After the load: the same process answers 200 again by itself, soon.
        deadline = time.monotonic() + 15
        while True:
            status, _ = get(base, "AFTERLOAD1", "10.3.3.3")
            if status == 200 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert status == 200
        assert [get(base, f"AFTER{n}", f"10.4.4.{n}")[0] for n in range(5)] == [200] * 5
        assert process.poll() is None  # nothing crashed or restarted
