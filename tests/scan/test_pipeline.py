"""scan_image end to end: sizes, boxes in original pixels, normalization, merging, OCR hooks."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from stopheling.errors import NotAnImage
from stopheling.scan import pipeline
from stopheling.scan.pipeline import gtin14, merge, normalize, rank, scan_image
from stopheling.scan.types import Candidate

from .corpus import encode, render


def _on_canvas(code: np.ndarray, size: tuple[int, int], at: tuple[int, int]) -> np.ndarray:
    """``code`` pasted at ``at`` (x, y) on a white canvas of ``size`` (width, height)."""
    canvas = np.full((size[1], size[0], 3), 255, np.uint8)
    h, w = code.shape[:2]
    canvas[at[1] : at[1] + h, at[0] : at[0] + w] = code
    return canvas


def _candidate(text: str, *, kind: str = "serial", source: str = "ocr", conf: float = 0.8,
               confirmed: bool = True) -> Candidate:  # fmt: skip
    return Candidate(kind, text, source, conf, (0, 0, 1, 1), confirmed=confirmed)


def test_gs1_code_gives_gtin_and_serial_normalized() -> None:
    result = scan_image(encode(render("gs1-datamatrix")), want_ocr=False)
    assert (result.width, result.height) == render("gs1-datamatrix").shape[1::-1]
    by_kind = {c.kind: c for c in result.candidates}
    assert by_kind["gtin"].normalized == "08712345678906" and by_kind["gtin"].valid
    assert by_kind["serial"].text == "X7Y8Z9" and by_kind["serial"].normalized
    assert result.elapsed_ms >= 0


def test_boxes_map_back_to_a_large_photo() -> None:
    code = cv2.resize(render("qr"), None, fx=4, fy=4, interpolation=cv2.INTER_NEAREST)
    photo = _on_canvas(code, (4000, 3000), (2400, 1700))
    result = scan_image(encode(photo, ".jpg"), want_ocr=False)
    assert (result.width, result.height) == (4000, 3000)
    (found,) = result.candidates
    x, y, w, h = found.box
    # the symbol without its quiet zone: 36..99 px of the 135 px render, times 4
    assert (x, y) == pytest.approx((2400 + 144, 1700 + 144), abs=12)
    assert (w, h) == pytest.approx((252, 252), abs=12)


def test_empty_photo_gives_no_candidates() -> None:
    blank = np.full((600, 800, 3), 200, np.uint8)
    assert scan_image(encode(blank), want_ocr=False).candidates == []


def test_loader_errors_propagate() -> None:
    with pytest.raises(NotAnImage):
        scan_image(b"", want_ocr=False)


def test_normalize_gtin_and_identifiers() -> None:
    gtin = normalize(_candidate("8712345678906", kind="gtin"))
    assert (gtin.normalized, gtin.valid) == ("08712345678906", True)
    assert normalize(_candidate("8712345678907", kind="gtin")).valid is False
    imei = normalize(_candidate("IMEI: 490154203237518", kind="imei"))
    assert (imei.normalized, imei.valid) == ("490154203237518", True)
    assert gtin14("ABC") == "ABC"


def test_merge_keeps_the_confirmed_then_most_confident_read() -> None:
    ocr = _candidate("WTU043C09876H", conf=0.99)
    code = _candidate("WTU 043 C09876H", source="barcode:CODE128", conf=0.9)
    doubtful = _candidate("WTU-043-C09876H", source="barcode:CODE39", conf=1.0, confirmed=False)
    other = _candidate("WTU043C09877H")
    merged = merge([normalize(c) for c in (doubtful, code, ocr, other)])
    assert [c.text for c in merged] == ["WTU043C09876H", "WTU043C09877H"]
    assert merged[0].source == "ocr"  # confirmed and most confident of the three


def test_rank_puts_confirmed_barcodes_first() -> None:
    cands = [
        _candidate("A", conf=0.99),
        _candidate("B", source="barcode:EAN13", conf=0.5, confirmed=False),
        _candidate("C", source="barcode:QRCODE", conf=1.0),
        _candidate("D", conf=0.6),
    ]
    assert [c.text for c in sorted(cands, key=rank)] == ["C", "A", "D", "B"]


def test_ocr_candidates_are_scaled_merged_and_ranked() -> None:
    """A 12-megapixel photo with a QR code and a plate: both read, boxes in photo pixels."""
    import random

    from .ocr_corpus import car_scene, render_plate

    scene = car_scene(random.Random(4), (4000, 3000))
    plate = render_plate("52-HZK-7", "yellow", height=220)
    scene[2000 : 2000 + plate.shape[0], 1500 : 1500 + plate.shape[1]] = plate
    code = cv2.resize(render("qr"), None, fx=4, fy=4, interpolation=cv2.INTER_NEAREST)
    scene[100 : 100 + code.shape[0], 100 : 100 + code.shape[1]] = code
    result = scan_image(encode(scene, ".jpg"))
    assert (result.width, result.height) == (4000, 3000)
    assert [(c.kind, c.source) for c in result.candidates] == [
        ("serial", "barcode:QRCODE"), ("plate", "ocr")]  # fmt: skip
    x, y, w, h = result.candidates[1].box
    assert 1450 <= x <= 1700 and 1950 <= y <= 2100 and w > 600
    assert result.candidates[1].normalized == "52HZK7"


def test_one_recognizer_per_engine() -> None:
    first = pipeline._recognizer("tesseract")
    assert pipeline._recognizer("tesseract") is first
    assert first.name == "tesseract" and pipeline._recognizer("rapidocr") is not first
