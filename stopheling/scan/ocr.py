"""Text recognition engines behind one small interface.

The plate and label readers only need two operations: find and read every text
line in a photo, and read one line that has already been located. RapidOCR
(PP-OCR models shipped inside its wheel) is the default because it reads
plates and labels far more reliably than Tesseract; Tesseract stays available
as a configurable alternative and as the fallback when RapidOCR cannot be
imported.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

import cv2
import numpy as np
import numpy.typing as npt

from stopheling.scan.types import Box

log = logging.getLogger(__name__)

Image = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line of text and where it is, in the coordinates of the image read."""

    text: str
    confidence: float  # 0..1
    box: Box


class Recognizer(Protocol):
    """What the plate and label readers need from an OCR engine."""

    name: str

    def detect_and_recognize(self, image_bgr: Image) -> list[TextLine]:
        """Find and read every text line in a whole image, top to bottom."""
        ...

    def recognize_line(self, crop_bgr: Image) -> TextLine | None:
        """Read one already located, upright line of text; None if nothing is read."""
        ...


def _box_of(points: npt.ArrayLike, scale: float = 1.0) -> Box:
    pts = np.asarray(points, dtype=np.float64) / scale
    x0, y0 = pts.min(axis=0)
    x1, y1 = pts.max(axis=0)
    return (int(x0), int(y0), int(round(x1 - x0)), int(round(y1 - y0)))


def _shrink(image: Image, max_side: int) -> tuple[Image, float]:
    """Downscale so the long side is at most ``max_side``; returns the image and the scale."""
    scale = min(1.0, max_side / max(image.shape[:2]))
    if scale == 1.0:
        return image, 1.0
    h, w = image.shape[:2]
    size = (max(1, round(w * scale)), max(1, round(h * scale)))  # a 30000×2 photo: not 0 high
    small = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    return small.astype(np.uint8), scale


class RapidOcrRecognizer:
    """PP-OCR (detection + recognition) through onnxruntime.

    Expensive to build (it loads three ONNX models): create one per process,
    see :func:`get_recognizer`.
    """

    name = "rapidocr"

    def __init__(self, det_max_side: int = 960, threads: int = 1) -> None:
        """``det_max_side`` bounds the image given to text detection.

        RapidOCR's own ``det_limit_side_len`` is ignored in its "max" mode (it
        picks 960/1500/2000 from the image size), so we downscale ourselves and
        run its "min" mode with a small minimum, which then never upscales a
        normal photo. Detection dominates the cost (about 0.3 s at 640 px and
        0.5 s at 960 px on one core); 960 px keeps 2-3 mm label text legible.
        One onnxruntime thread per call: the service parallelises over
        requests, and spinning thread pools would fight each other.
        """
        from rapidocr_onnxruntime import RapidOCR

        self.det_max_side = det_max_side
        self._engine = RapidOCR(
            det_limit_type="min",
            det_limit_side_len=32,
            intra_op_num_threads=threads,
            inter_op_num_threads=threads,
        )

    def detect_and_recognize(self, image_bgr: Image) -> list[TextLine]:
        small, scale = _shrink(image_bgr, self.det_max_side)
        # "min" mode upscales until the short side is 32 px: a 30000×2 photo would become
        # gigabytes. Pad the short side with white instead (bottom/right: boxes unchanged).
        h, w = small.shape[:2]
        if min(h, w) < 32:
            white = (255, 255, 255)
            small = cv2.copyMakeBorder(small, 0, max(0, 32 - h), 0, max(0, 32 - w),
                                       cv2.BORDER_CONSTANT, value=white)  # fmt: skip
        result, _ = self._engine(small, use_det=True, use_cls=False, use_rec=True)
        return [
            TextLine(str(text), float(score), _box_of(quad, scale))
            for quad, text, score in (result or [])
        ]

    def recognize_line(self, crop_bgr: Image) -> TextLine | None:
        result, _ = self._engine(crop_bgr, use_det=False, use_cls=False, use_rec=True)
        if not result:
            return None
        text, score = result[0]
        if not str(text).strip():
            return None
        height, width = crop_bgr.shape[:2]
        return TextLine(str(text), float(score), (0, 0, width, height))


class TesseractRecognizer:
    """Tesseract 5 through pytesseract, Dutch and English models.

    ``psm`` is the page segmentation mode for whole images (11: sparse text,
    which suits labels and scenes better than the page-oriented default);
    a located line is always read with psm 7 (one line). ``whitelist``
    restricts the characters of :meth:`recognize_line`, e.g. to A-Z0-9- for
    plates, which removes many confusions with punctuation.
    """

    name = "tesseract"

    def __init__(
        self,
        lang: str = "nld+eng",
        psm: int = 11,
        whitelist: str = "",
        timeout_s: float = 10.0,
    ) -> None:
        import pytesseract

        self._tess = pytesseract
        self.lang = lang
        self.psm = psm
        self.whitelist = whitelist
        self.timeout_s = timeout_s

    def _data(self, image: Image, config: str) -> dict[str, list[Any]]:
        if image.ndim == 3:
            image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB).astype(np.uint8, copy=False)
        data: dict[str, list[Any]] = self._tess.image_to_data(
            image,
            lang=self.lang,
            config=config,
            output_type=self._tess.Output.DICT,
            timeout=self.timeout_s,
        )
        return data

    def detect_and_recognize(self, image_bgr: Image) -> list[TextLine]:
        return _tesseract_lines(self._data(image_bgr, f"--psm {self.psm}"))

    def recognize_line(self, crop_bgr: Image) -> TextLine | None:
        config = "--psm 7"
        if self.whitelist:
            config += f" -c tessedit_char_whitelist={self.whitelist}"
        lines = _tesseract_lines(self._data(_clean_line(crop_bgr), config))
        if not lines:
            return None
        height, width = crop_bgr.shape[:2]
        text = " ".join(line.text for line in lines)
        confidence = min(line.confidence for line in lines)
        return TextLine(text, confidence, (0, 0, width, height))


def _clean_line(crop_bgr: Image) -> Image:
    """Black ink on white, without what touches the crop's edge, with a white margin.

    A located crop's edge cuts through its surroundings (a plate's rim, a
    sticker's border); Tesseract reads such bits as stray glyphs and then
    reports confidence 0 for the whole line, even when the text is right.
    """
    gray = cv2.cvtColor(crop_bgr, cv2.COLOR_BGR2GRAY)
    ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink)
    height, width = ink.shape
    x0, y0 = stats[:, cv2.CC_STAT_LEFT], stats[:, cv2.CC_STAT_TOP]
    x1, y1 = x0 + stats[:, cv2.CC_STAT_WIDTH], y0 + stats[:, cv2.CC_STAT_HEIGHT]
    dropped = (x0 == 0) | (y0 == 0) | (x1 == width) | (y1 == height)
    dropped[0] = True  # label 0 is the background
    clean = np.where(dropped[labels], 255, 0).astype(np.uint8)
    margin = max(4, height // 6)
    return cv2.copyMakeBorder(clean, *(margin,) * 4, cv2.BORDER_CONSTANT, value=255).astype(
        np.uint8, copy=False
    )


def _tesseract_lines(data: dict[str, list[Any]]) -> list[TextLine]:
    """Group Tesseract's words into lines (block, paragraph, line number)."""
    words: dict[tuple[int, int, int], list[int]] = {}
    for i, text in enumerate(data["text"]):
        if str(text).strip() and float(data["conf"][i]) >= 0:
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            words.setdefault(key, []).append(i)
    return sorted((_tesseract_line(data, idx) for idx in words.values()), key=_reading_order)


def _tesseract_line(data: dict[str, list[Any]], idx: Sequence[int]) -> TextLine:
    corners = [
        pt
        for i in idx
        for pt in (
            (data["left"][i], data["top"][i]),
            (data["left"][i] + data["width"][i], data["top"][i] + data["height"][i]),
        )
    ]
    text = " ".join(str(data["text"][i]).strip() for i in idx)
    confidence = min(float(data["conf"][i]) for i in idx) / 100.0
    return TextLine(text, confidence, _box_of(corners))


def _reading_order(line: TextLine) -> tuple[int, int]:
    return (line.box[1], line.box[0])


def get_recognizer(engine: str = "rapidocr") -> Recognizer:
    """The process-wide recognizer for ``engine`` ("rapidocr" or "tesseract").

    Cached because building RapidOCR loads its models. Falls back to Tesseract,
    with a warning, when RapidOCR (or onnxruntime) cannot be imported, so a
    slimmer deployment still scans, only less well.
    """
    if engine not in ("rapidocr", "tesseract"):
        raise ValueError(f"unknown OCR engine {engine!r}")
    return _build(engine)


@cache
def _build(engine: str) -> Recognizer:
    if engine == "tesseract":
        return TesseractRecognizer()
    try:
        return RapidOcrRecognizer()
    except ImportError as exc:
        log.warning("RapidOCR unavailable (%s); falling back to Tesseract", exc)
        return _build("tesseract")
