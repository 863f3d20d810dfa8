"""Data types shared by the scan pipeline's stages."""

from __future__ import annotations

from dataclasses import dataclass, field

# (x, y, width, height) in pixels of the image as the user sees it
# (after EXIF orientation, before any internal downscaling).
Box = tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class Candidate:
    """One identifier read from an image.

    ``kind`` is one of the matching core's kinds ("serial", "imei", "frame",
    "plate", "vin") or "gtin" for a product code (EAN/UPC/GTIN) that is no
    identifier of one item but is still reported to the user.
    ``text`` is what was read, as printed; ``normalized`` is filled by the
    pipeline through :func:`stopheling.matching.parse`.
    """

    kind: str
    text: str
    source: str  # "barcode:EAN13", "barcode:CODE128", ..., or "ocr"
    confidence: float  # 0..1
    box: Box
    normalized: str = ""
    valid: bool | None = None
    # A barcode only the fallback decoder (pyzbar) read: it may be a misread
    # with a valid check digit, so the user is told it is unconfirmed.
    confirmed: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class ScanResult:
    width: int
    height: int
    candidates: list[Candidate]
    elapsed_ms: int
