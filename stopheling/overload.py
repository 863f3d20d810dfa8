"""Shed load instead of queueing it: a bounded number of checks run at once per process.

A check that finds no free slot within a short wait is refused with 503 and Retry-After
(Busy), so that under overload the answers stay fast (some 503s) instead of every answer
getting slow and gunicorn's queue growing without bound. The limit sits below gunicorn's
threads, so a thread is always left for the health check, the pages and the scans.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import Busy

RETRY_AFTER_SECONDS = 1
_gates: dict[tuple[str, int], threading.BoundedSemaphore] = {}
_lock = threading.Lock()


def _gate(name: str, concurrency: int) -> threading.BoundedSemaphore:
    with _lock:
        return _gates.setdefault((name, concurrency), threading.BoundedSemaphore(concurrency))


@contextmanager
def slot(name: str, *, concurrency: int, wait_seconds: float) -> Iterator[None]:
    """Hold one of ``concurrency`` slots named ``name`` while the block runs; Busy (503)
    when none frees up within ``wait_seconds``. ``concurrency`` 0 turns the gate off."""
    if concurrency <= 0:
        yield
        return
    gate = _gate(name, concurrency)
    if not gate.acquire(timeout=max(wait_seconds, 0)):
        raise Busy(
            "The service is busy; try again in a moment.",
            retry_after=RETRY_AFTER_SECONDS, code="busy",
        )  # fmt: skip
    try:
        yield
    finally:
        gate.release()
