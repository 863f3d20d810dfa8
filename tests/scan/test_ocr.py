"""The recognizer interface: engine choice, fallback, coordinates, and Tesseract as alternative."""

from __future__ import annotations

import functools
import logging
import random
import shutil
import subprocess
import sys

import cv2
import numpy as np
import pytest

from stopheling.scan import ocr
from stopheling.scan.labels import find_labels
from stopheling.scan.ocr import RapidOcrRecognizer, TesseractRecognizer, get_recognizer
from stopheling.scan.plates import find_plates

from .ocr_corpus import car_scene, on_surface, render_plate, render_sticker

needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="no tesseract")


def plate_scene(text: str) -> np.ndarray:
    scene = car_scene(random.Random(2), (1280, 960))
    plate = render_plate(text, "yellow", height=80)
    scene[600:680, 400 : 400 + plate.shape[1]] = plate
    return scene


def test_recognizers_are_built_once_per_engine() -> None:
    assert get_recognizer() is get_recognizer("rapidocr")
    assert isinstance(get_recognizer(), RapidOcrRecognizer)


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown OCR engine"):
        get_recognizer("easyocr")


def test_falls_back_to_tesseract_without_rapidocr(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "rapidocr_onnxruntime", None)  # import fails
    # An empty cache of our own, so the process-wide RapidOCR is neither hit nor lost.
    monkeypatch.setattr(ocr, "_build", functools.cache(ocr._build.__wrapped__))
    with caplog.at_level(logging.WARNING, logger=ocr.__name__):
        assert isinstance(get_recognizer("rapidocr"), TesseractRecognizer)
    assert "falling back to Tesseract" in caplog.text


def test_detection_boxes_are_in_the_given_image_coordinates() -> None:
    """Detection runs on a downscaled copy; the boxes must come back at full size."""
    image = np.full((1500, 2000, 3), 255, np.uint8)
    cv2.putText(image, "S/N: C02XK1Q2JG5H", (1000, 1200), cv2.FONT_HERSHEY_SIMPLEX, 2.0,
                (0, 0, 0), 4)  # fmt: skip
    [line] = get_recognizer().detect_and_recognize(image)
    assert line.text.replace(" ", "") == "S/N:C02XK1Q2JG5H"
    x, y, w, h = line.box
    assert abs(x - 1000) < 25 and abs(y + h - 1210) < 25 and 600 < w < 800


def test_recognize_line_reads_a_located_crop() -> None:
    plate = render_plate("52-HZK-7", "yellow", height=64)[:, 60:]
    line = get_recognizer().recognize_line(plate)
    assert line is not None and line.text == "52-HZK-7" and line.confidence > 0.9
    assert get_recognizer().recognize_line(np.full((48, 200, 3), 255, np.uint8)) is None


@needs_tesseract
def test_tesseract_reads_a_clean_plate() -> None:
    tess = TesseractRecognizer(whitelist="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
    [candidate] = find_plates(plate_scene("52-HZK-7"), tess)
    assert candidate.text == "52-HZK-7" and candidate.confidence > 0.8


@needs_tesseract
def test_tesseract_reads_a_clean_label() -> None:
    sticker, _ = render_sticker(["Lenovo", "S/N: PF2XK7Q3", "IMEI: 490154203237518"],
                                "DejaVuSans.ttf", 40)  # fmt: skip
    scene, _ = on_surface(random.Random(4), sticker, (1280, 960))
    found = {(c.kind, c.text) for c in find_labels(scene, get_recognizer("tesseract"))}
    assert {("serial", "PF2XK7Q3"), ("imei", "490154203237518")} <= found


def test_scan_ocr_modules_do_not_load_flask() -> None:
    code = (
        "import sys, stopheling.scan.ocr, stopheling.scan.plates, stopheling.scan.labels;"
        "assert not {'flask', 'sqlalchemy'} & set(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
