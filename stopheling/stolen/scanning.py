"""Scan a photo and check every identifier read from it (POST /api/v1/scan, the scan page).

Scanning is CPU-heavy, so a process runs at most ``concurrency`` scans at once; a scan
that finds no free slot is refused at once (Busy → 503 with Retry-After) instead of
queueing behind the others and starving the checks that share the process.
"""

from __future__ import annotations

import base64
import threading
from typing import Any

import cv2
from sqlalchemy.orm import Session

from ..errors import Busy, StophelingError
from ..matching import KINDS
from ..metrics import count_scan
from ..scan.loader import load_image
from ..scan.pipeline import scan_image
from ..scan.types import Candidate, ScanResult
from .lookup import check

_slots: dict[int, threading.BoundedSemaphore] = {}
_slots_lock = threading.Lock()
RETRY_AFTER_SECONDS = 2


def _semaphore(concurrency: int) -> threading.BoundedSemaphore:
    with _slots_lock:
        return _slots.setdefault(concurrency, threading.BoundedSemaphore(concurrency))


def scan_and_check(
    session: Session, data: bytes, *, engine: str, max_bytes: int, max_pixels: int,
    concurrency: int,
) -> dict[str, Any]:  # fmt: skip
    """The API answer: the image size, each candidate with its check result, the time."""
    slot = _semaphore(concurrency)
    if not slot.acquire(blocking=False):
        count_scan("busy")
        raise Busy("All scanners are busy; try again in a moment.", retry_after=RETRY_AFTER_SECONDS)
    try:
        result = scan_image(data, engine=engine, max_bytes=max_bytes, max_pixels=max_pixels)
    except StophelingError as exc:
        count_scan(exc.code)
        raise
    finally:
        slot.release()
    answer = serialize(session, result)
    checks = [c["check"] for c in answer["candidates"] if c["check"]]
    count_scan("hit" if any(c["flagged"] for c in checks) else "read" if checks else "nothing")
    return answer


def serialize(session: Session, result: ScanResult) -> dict[str, Any]:
    return {
        "image": {"width": result.width, "height": result.height},
        "candidates": [_candidate(session, c) for c in result.candidates],
        "elapsed_ms": result.elapsed_ms,
    }


def _candidate(session: Session, c: Candidate) -> dict[str, Any]:
    # A product code (GTIN) names a product, not one item: there is nothing to check.
    checked = check(session, c.text, c.kind) if c.kind in KINDS else None
    return {
        "kind": c.kind,
        "text": c.text,
        "normalized": c.normalized,
        "valid": c.valid,
        "source": c.source,
        "confidence": round(c.confidence, 3),
        "confirmed": c.confirmed,
        "notes": list(c.notes),
        "box": list(c.box),
        "check": checked,
    }


def preview(data: bytes, *, max_side: int = 720) -> str:
    """A small JPEG of the (already validated) upload as a data: URL, for the result page,
    so that nothing of the citizen's photo is stored."""
    loaded = load_image(data, max_side=max_side)
    ok, jpeg = cv2.imencode(".jpg", loaded.bgr, [cv2.IMWRITE_JPEG_QUALITY, 70])
    assert ok
    return "data:image/jpeg;base64," + base64.b64encode(jpeg.tobytes()).decode("ascii")
