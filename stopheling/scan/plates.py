"""Find and read Dutch licence plates in a photo.

Full-image text detection costs about half a second on one core, a plate read
from a located crop about 25 ms. So the plate is located with cheap colour and
shape cues: the yellow plate colour (HSV mask, then a looser one for faded
plates) with a plate's aspect ratio (about 4.5:1 for a long plate, 1:1 to 2:1
for the square moped/US plate), then, for white or blue plates, closed
outlines that hold a row of characters. Each quad is straightened with a
perspective transform, the blue EU band is cut off, the line is read and kept
only if it fits a sidecode (:mod:`stopheling.scan.plate_text`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np
import numpy.typing as npt
from cv2.typing import MatLike

from stopheling.scan.ocr import Image, Recognizer, TextLine
from stopheling.scan.plate_text import RESERVED, PlateReading, read_plate_text
from stopheling.scan.types import Box, Candidate

Quad = npt.NDArray[np.float32]  # 4x2: top-left, top-right, bottom-right, bottom-left

LOCATE_SIDE = 1024  # localisation runs on a copy this size: enough for a 40 px plate
MIN_AREA = 250  # px² at LOCATE_SIDE: smaller plates cannot be read anyway
LONG_ASPECT = (2.6, 7.0)
SQUARE_ASPECT = (0.8, 2.3)
MIN_FILL = 0.65  # region area / its rotated rectangle: plates are convex quads
MAX_QUADS = 4  # each costs one recognition; more is rarely a plate
PLATE_HEIGHT = 64  # px of a straightened long plate (PP-OCR reads lines at 48)
SQUARE_HEIGHT = 160  # px of a square plate: its two rows go through text detection
TEXT_TEST_HEIGHT = 32  # px of the crop an outline's text-row test looks at

# OpenCV hue is 0..179: plate yellow sits near 25, the EU band's blue near 110.
YELLOW_LO, YELLOW_HI = (12, 90, 90), (40, 255, 255)
FADED_LO = (10, 45, 110)
BLUE_LO, BLUE_HI = (95, 80, 40), (135, 255, 255)


@dataclass(frozen=True, slots=True)
class _Read:
    reading: PlateReading
    ocr_confidence: float
    box: Box


def find_plates(
    image_bgr: Image, recognizer: Recognizer, *, text_lines: Sequence[TextLine] = ()
) -> list[Candidate]:
    """Every Dutch plate readable in ``image_bgr``, most confident first.

    Pass ``text_lines`` if full-image text detection already ran: when no
    located plate reads, lines that fit a sidecode are offered instead, less
    confidently, since nothing shows they are on a plate. They are not used
    otherwise, because a whole-scene read of a plate is a worse read of the
    same plate and could only add a wrong second candidate.
    """
    for quads in locate_plates(image_bgr):
        reads = [r for quad in quads if (r := read_quad(image_bgr, quad, recognizer))]
        if reads:
            return _candidates(reads)
    return _candidates([r for line in text_lines if (r := _read_line(line))])


def locate_plates(image_bgr: Image) -> Iterator[list[Quad]]:
    """Plate-shaped quads in full-image coordinates, by cue from strongest to weakest:
    plate yellow, faded yellow, then closed outlines holding a row of characters."""
    scale = min(1.0, LOCATE_SIDE / max(image_bgr.shape[:2]))
    small = cv2.resize(image_bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA).astype(
        np.uint8, copy=False
    )
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV).astype(np.uint8, copy=False)
    stages: tuple[Callable[[], list[Quad]], ...] = (
        lambda: _plate_quads(_mask(hsv, YELLOW_LO, YELLOW_HI), cv2.RETR_EXTERNAL),
        lambda: _plate_quads(_mask(hsv, FADED_LO, YELLOW_HI), cv2.RETR_EXTERNAL),
        lambda: [q for q in _plate_quads(_edges(small), cv2.RETR_LIST) if _has_text_row(small, q)],
    )
    for stage in stages:
        quads = _distinct(stage())[:MAX_QUADS]
        if quads:
            yield [(q / scale).astype(np.float32) for q in quads]


def _mask(hsv: Image, lo: tuple[int, int, int], hi: tuple[int, int, int]) -> Image:
    mask = cv2.inRange(hsv, np.array(lo), np.array(hi))
    # Opening drops speckles; closing bridges the characters' gaps at the plate's rim.
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8)).astype(np.uint8)


def _edges(small: Image) -> Image:
    """Closed outlines: a white, blue or faded plate against the car is one contour."""
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    return cv2.dilate(cv2.Canny(gray, 40, 120), np.ones((3, 3), np.uint8)).astype(np.uint8)


def _has_text_row(small: Image, quad: Quad) -> bool:
    """True if the quad holds a row of at least five character-sized dark blobs.

    Outlines also come from lights, windows and bumpers; reading each costs a
    recognition and risks a plate "read" from texture, so they must show text.
    """
    gray = cv2.cvtColor(straighten(small, quad, TEXT_TEST_HEIGHT), cv2.COLOR_BGR2GRAY)
    ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink)
    heights, widths = stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_WIDTH]
    chars = (heights > 0.4 * TEXT_TEST_HEIGHT) & (heights < 0.95 * TEXT_TEST_HEIGHT)
    return int(np.count_nonzero(chars & (widths < heights))) >= 5


def _distinct(quads: list[Quad]) -> list[Quad]:
    """Drop quads centred inside an earlier one (an outline's inner and outer contour)."""
    kept: list[Quad] = []
    for q in quads:
        cx, cy = q.mean(axis=0)
        if not any(cv2.pointPolygonTest(k, (float(cx), float(cy)), False) >= 0 for k in kept):
            kept.append(q)
    return kept


def _plate_quads(mask: Image, mode: int) -> list[Quad]:
    """Plate-shaped contours of ``mask``, largest first."""
    contours, _ = cv2.findContours(mask, mode, cv2.CHAIN_APPROX_SIMPLE)
    quads = [(cv2.contourArea(c), q) for c in contours if (q := _plate_quad(c)) is not None]
    return [q for _, q in sorted(quads, key=lambda aq: -aq[0])]


def _plate_quad(contour: MatLike) -> Quad | None:
    area = cv2.contourArea(contour)
    if area < MIN_AREA:
        return None
    (_, _), (w, h), _ = rect = cv2.minAreaRect(contour)
    aspect = max(w, h) / max(1.0, min(w, h))
    plate_like = LONG_ASPECT[0] <= aspect <= LONG_ASPECT[1] or (
        SQUARE_ASPECT[0] <= aspect <= SQUARE_ASPECT[1]
    )
    if not plate_like or area < MIN_FILL * w * h:
        return None
    hull = cv2.convexHull(contour)
    approx = cv2.approxPolyDP(hull, 0.04 * cv2.arcLength(hull, True), True)
    points = approx.reshape(-1, 2) if len(approx) == 4 else cv2.boxPoints(rect)
    return _order(points.astype(np.float32))


def _order(points: Quad) -> Quad:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    s, d = points.sum(axis=1), np.diff(points, axis=1).ravel()
    return np.array(
        [points[np.argmin(s)], points[np.argmin(d)], points[np.argmax(s)], points[np.argmax(d)]],
        dtype=np.float32,
    )


def straighten(image_bgr: Image, quad: Quad, out_h: int) -> Image:
    """The quad warped to an upright rectangle ``out_h`` px high."""
    out_w = max(8, round(out_h * _aspect(quad)))
    target = np.array(
        [[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], dtype=np.float32
    )
    matrix = cv2.getPerspectiveTransform(quad, target)
    warped = cv2.warpPerspective(image_bgr, matrix, (out_w, out_h), flags=cv2.INTER_CUBIC)
    return warped.astype(np.uint8)


def cut_eu_band(plate_bgr: Image) -> Image:
    """Drop the blue EU band ("NL") at the plate's left so it is not read as text."""
    left = plate_bgr[:, : max(1, plate_bgr.shape[1] // 5)]
    blue = cv2.inRange(cv2.cvtColor(left, cv2.COLOR_BGR2HSV), np.array(BLUE_LO), np.array(BLUE_HI))
    band_columns = np.flatnonzero(blue.mean(axis=0) > 127)
    if band_columns.size == 0:
        return plate_bgr
    return plate_bgr[:, int(band_columns.max()) + 2 :]


def read_quad(image_bgr: Image, quad: Quad, recognizer: Recognizer) -> _Read | None:
    """Straighten, read and sidecode-check one located plate."""
    line = _read_plate(image_bgr, quad, recognizer)
    reading = read_plate_text(line.text) if line else None
    if line is None or reading is None:
        return None
    return _Read(reading, line.confidence, _bounding_box(quad))


def _read_plate(image_bgr: Image, quad: Quad, recognizer: Recognizer) -> TextLine | None:
    """Long plates are one line; square ones two, read top to bottom and joined by a dash.

    The crop gets a margin: PP-OCR was trained on text with some room around
    it and misreads edge characters (7 as /, J as ]) on a tight crop.
    """
    square = _aspect(quad) < SQUARE_ASPECT[1]
    plate = straighten(image_bgr, quad, SQUARE_HEIGHT if square else PLATE_HEIGHT)
    plate = cut_eu_band(plate)
    pad = plate.shape[0] // 5 if not square else plate.shape[0] // 10
    crop = cv2.copyMakeBorder(plate, pad, pad, pad, pad, cv2.BORDER_REPLICATE).astype(np.uint8)
    if not square:
        return recognizer.recognize_line(crop)
    lines = sorted(recognizer.detect_and_recognize(crop), key=lambda t: t.box[1])
    if not lines:
        return None
    text = "-".join(line.text for line in lines)
    return TextLine(text, min(line.confidence for line in lines), (0, 0, *crop.shape[1::-1]))


def _aspect(quad: Quad) -> float:
    """Width over height, each the mean of the quad's two opposite sides."""
    width = float(np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3]))
    height = float(np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1]))
    return width / max(height, 1.0)


def _read_line(line: TextLine) -> _Read | None:
    """A scene text line as a plate, only if it needs no repair: without a plate
    around it, any doubt makes it more likely some other code than a plate."""
    reading = read_plate_text(line.text)
    if reading is None or reading.corrections or reading.ambiguous or reading.sidecode in RESERVED:
        return None
    return _Read(replace(reading, outline=False), line.confidence, line.box)


def _bounding_box(quad: Quad) -> Box:
    x, y, w, h = cv2.boundingRect(quad.astype(np.int32))
    return (int(x), int(y), int(w), int(h))


def _candidates(reads: list[_Read]) -> list[Candidate]:
    """One candidate per distinct plate, keeping its most confident read."""
    best: dict[str, Candidate] = {}
    for r in reads:
        c = Candidate(
            kind="plate",
            text=r.reading.display,
            source="ocr",
            confidence=r.reading.confidence(r.ocr_confidence),
            box=r.box,
            valid=True,
            notes=r.reading.notes(),
        )
        if c.text not in best or c.confidence > best[c.text].confidence:
            best[c.text] = c
    return sorted(best.values(), key=lambda c: -c.confidence)
