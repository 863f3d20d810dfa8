"""One photo in, ranked identifier candidates out: load, barcodes, OCR, normalize, merge.

Barcodes run first because they are cheap and exact; OCR (plates and labels)
is the slow part and is skipped with ``want_ocr=False``. A code and a printed
label often show the same serial, so candidates are merged on the matching
core's key, keeping the most trustworthy read.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace

from stopheling.matching import KINDS, parse
from stopheling.scan import gs1
from stopheling.scan.barcodes import read_barcodes
from stopheling.scan.labels import find_labels
from stopheling.scan.loader import DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, load_image
from stopheling.scan.ocr import Recognizer, get_recognizer
from stopheling.scan.plate_text import CONFIDENT
from stopheling.scan.plates import find_plates
from stopheling.scan.types import Candidate, ScanResult

_recognizers: dict[str, Recognizer] = {}
_recognizers_lock = threading.Lock()


def scan_image(
    data: bytes,
    *,
    engine: str = "rapidocr",
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    want_ocr: bool = True,
) -> ScanResult:
    """Scan an uploaded photo; loader errors (ImageError, ImageTooLarge, NotAnImage) propagate.

    Cheap stages first, costly ones only when needed: one plain barcode pass (~10 ms)
    and the plate reader (~50 ms) run always. A confidently read plate without a
    barcode makes it a vehicle photo, and the costly stages are skipped: the barcode
    retries (up to ~0.6 s when there is no code) and the full-image text detection for
    labels (~0.5 s on one core)."""
    start = time.perf_counter()
    loaded = load_image(data, max_bytes=max_bytes, max_pixels=max_pixels)
    bgr, scale = loaded.bgr, loaded.scale
    found = read_barcodes(bgr, scale=scale, thorough=False)
    recognizer = _recognizer(engine) if want_ocr else None
    plates = find_plates(bgr, recognizer) if recognizer else []
    vehicle_photo = not found and any(c.confidence >= CONFIDENT for c in plates)
    if not found and not vehicle_photo:
        found = read_barcodes(bgr, scale=scale)
    if recognizer and not vehicle_photo:
        lines = recognizer.detect_and_recognize(bgr)  # shared by both readers
        plates = plates or find_plates(bgr, recognizer, text_lines=lines)
        plates += find_labels(bgr, recognizer, text_lines=lines)
    found += [_scaled(c, scale) for c in plates]
    ranked = sorted(merge([normalize(c) for c in found]), key=rank)
    elapsed_ms = round((time.perf_counter() - start) * 1000)
    return ScanResult(loaded.width, loaded.height, ranked, elapsed_ms)


def normalize(c: Candidate) -> Candidate:
    """Fill ``normalized``/``valid``: GS1 rules for product codes, the matching core otherwise."""
    if c.kind == "gtin":
        gtin = gtin14(c.text)
        return replace(c, normalized=gtin, valid=gs1.gtin_valid(gtin))
    if c.kind not in KINDS:
        return c
    parsed = parse(c.text, c.kind)
    return replace(c, normalized=parsed.normalized, valid=parsed.valid)


def gtin14(text: str) -> str:
    """A GTIN-8/12/13/14 as the 14-digit form GS1 compares; other text unchanged."""
    digits = text.strip()
    return digits.zfill(14) if digits.isdigit() and len(digits) <= 14 else digits


def merge(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per (kind, matching key): a confirmed read beats an unconfirmed one,
    then the higher confidence wins; order of first appearance is kept."""
    best: dict[tuple[str, str], Candidate] = {}
    for c in candidates:
        k = (c.kind, _key(c))
        if k not in best or (c.confirmed, c.confidence) > (best[k].confirmed, best[k].confidence):
            best[k] = c
    return list(best.values())


def rank(c: Candidate) -> tuple[bool, bool, float]:
    """Sort key: confirmed first, then barcodes before OCR, then by confidence."""
    return (not c.confirmed, not c.source.startswith("barcode:"), -c.confidence)


def _key(c: Candidate) -> str:
    if c.kind == "gtin":
        return c.normalized
    key = parse(c.text, c.kind).key if c.kind in KINDS else None
    return key if key is not None else c.text


def _recognizer(engine: str) -> Recognizer:
    """One recognizer per engine per process: loading the OCR models takes seconds."""
    with _recognizers_lock:
        if engine not in _recognizers:
            _recognizers[engine] = get_recognizer(engine)
        return _recognizers[engine]


def _scaled(c: Candidate, scale: float) -> Candidate:
    """OCR boxes are in working-image pixels; the API reports original-image pixels."""
    x, y, w, h = c.box
    return replace(c, box=(round(x * scale), round(y * scale), round(w * scale), round(h * scale)))
