"""Find and decode barcodes in a photo and turn their payloads into candidates.

zxing-cpp reads every symbology we care about and, on the real sample photos,
most of them at the first attempt, so it runs first on the plain image and the
costlier retries (other binarizer, blur, upscaling, contrast, deskew) only run
when it found nothing. pyzbar reads some worn EAN/UPC labels that zxing-cpp
misses, but it also misreads more, so it is only the last resort and what it
alone reads is marked unconfirmed.

EAN/UPC (mod-10 check), ITF and Code 39 (optional or no check) can be misread
into another number that still passes its check: zxing-cpp 3.1 does so on 3 of
the 16 UPC-A sample photos. For those symbologies a read is cross-checked by a
few cheap second looks at the code's own region; if any look reads something
else the read is reported unconfirmed, together with the strongest rival.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace

import cv2
import numpy as np
import numpy.typing as npt
import zxingcpp
from pyzbar import pyzbar

from stopheling.matching import classify
from stopheling.scan import gs1
from stopheling.scan.types import Box, Candidate

Gray = npt.NDArray[np.uint8]
Affine = npt.NDArray[np.float64]  # 2x3: maps a variant's pixels back to the working image
Quad = tuple[tuple[float, float], ...]  # corners in working-image pixels

RETAIL = frozenset({"EAN13", "EAN8", "UPCA", "UPCE"})
# Symbologies whose check (mod 10, optional or none) lets a misread pass as valid.
WEAK_CHECK = RETAIL | {"ITF", "CODE39", "CODABAR"}
GS1_SYMBOLOGY_IDS = frozenset({"]C1", "]d2", "]Q3", "]e0", "]J1"})
SMALL_SIDE = 1000  # below this long side, retries also try an upscaled copy
PYZBAR_ONLY_CONFIDENCE = 0.5
PYZBAR_ONLY = "unconfirmed: only the fallback decoder read this code"
DISAGREED = "unconfirmed: repeated reads of this code gave different numbers"
_IDENTITY: Affine = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
_PYZBAR_SYMBOLS = [pyzbar.ZBarSymbol.EAN13, pyzbar.ZBarSymbol.EAN8]  # UPC-A/E come as EAN-13


@dataclass(frozen=True, slots=True)
class BarcodeRead:
    """One decoded symbol: the payload as the decoder gave it, before any interpretation.

    ``text`` keeps GS1's group separators (``\\x1d``); ``support`` is the share of
    looks at the code that read this text (1.0 when nothing disagreed).
    """

    symbology: str  # decoder name without spaces/dashes, upper-case: EAN13, QRCODE, ...
    family: str  # zxing-cpp's symbology family, used to restrict second looks
    text: str
    gs1: bool
    quad: Quad
    confirmed: bool = True
    support: float = 1.0
    doubt: str = ""  # why an unconfirmed read is in doubt, shown to the user


def read_barcodes(
    image_bgr: npt.NDArray[np.uint8], *, scale: float = 1.0, thorough: bool = True
) -> list[Candidate]:
    """All barcode candidates in a BGR working image; boxes are multiplied by ``scale``
    to give original-image coordinates (see LoadedImage.scale). ``thorough=False`` makes
    only the plain zxing-cpp pass (no retries, no pyzbar): fast when there is no code."""
    gray = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY)
    return [c for read in decode(gray, thorough=thorough) for c in candidates(read, scale)]


def decode(gray: Gray, *, thorough: bool = True) -> list[BarcodeRead]:
    """Every symbol in ``gray``: zxing-cpp, retries if needed, pyzbar last, weak ones verified."""
    reads = _zxing(gray, _IDENTITY) or (_zxing_retries(gray) if thorough else [])
    if not reads:
        return _pyzbar_fallback(gray) if thorough else []
    verified = [v for r in reads for v in (_verify(gray, r) if _weak(r) else [r])]
    return _unique(_without_partial_reads(verified))


def candidates(read: BarcodeRead, scale: float = 1.0) -> list[Candidate]:
    """The identifier candidates one read yields: a GTIN, the GS1 GTIN and serial, or the
    payload. A GS1 code holding no item identifier (only lot, dates, weights) yields none."""
    source = f"barcode:{read.symbology}"
    box = quad_box(read.quad, scale)
    notes = (read.doubt,) if read.doubt else ()

    def make(kind: str, text: str) -> Candidate:
        conf = read.support
        return Candidate(kind, text, source, conf, box, confirmed=read.confirmed, notes=notes)

    if _is_product_code(read):
        return [make("gtin", read.text)]
    elements = _gs1_elements(read)
    if elements is not None:
        return [make(kind, value) for kind, value in gs1.identifiers(elements)]
    return [make(classify(read.text)[0].value, read.text)]


def quad_box(quad: Quad, scale: float = 1.0) -> Box:
    """Axis-aligned (x, y, w, h) around ``quad``, scaled to original-image pixels."""
    xs, ys = [p[0] for p in quad], [p[1] for p in quad]
    x0, y0 = max(0.0, min(xs)), max(0.0, min(ys))
    return (round(x0 * scale), round(y0 * scale),
            round((max(xs) - x0) * scale), round((max(ys) - y0) * scale))  # fmt: skip


def symbology_name(fmt: zxingcpp.BarcodeFormat) -> str:
    """zxing-cpp's "EAN-13" / "QR Code" / "DataBar Expanded" as EAN13 / QRCODE / DATABAREXPANDED."""
    return str(fmt).upper().replace("-", "").replace(" ", "").replace("/", "")


def _zxing(
    img: Gray,
    back: Affine,
    *,
    formats: zxingcpp.BarcodeFormats | None = None,
    binarizer: zxingcpp.Binarizer = zxingcpp.Binarizer.LocalAverage,
) -> list[BarcodeRead]:
    """One zxing-cpp pass; Plain text mode keeps the payload's raw structure (GS1 FNC1)."""
    options = {"formats": formats} if formats is not None else {}
    results = zxingcpp.read_barcodes(
        img, text_mode=zxingcpp.TextMode.Plain, binarizer=binarizer, **options
    )
    return [
        BarcodeRead(
            symbology=symbology_name(r.format),
            family=symbology_name(r.symbology),
            text=r.text,
            gs1=r.content_type == zxingcpp.ContentType.GS1
            or r.symbology_identifier in GS1_SYMBOLOGY_IDS,
            quad=_map_back(_corners(r.position), back),
        )
        for r in results
        if r.text
    ]


def _zxing_retries(gray: Gray) -> list[BarcodeRead]:
    """The reads of the first retry variant that finds anything."""
    for variant, back, binarizer in _retry_variants(gray):
        reads = _zxing(variant, back, binarizer=binarizer)
        if reads:
            return reads
    return []


def _retry_variants(gray: Gray) -> Iterator[tuple[Gray, Affine, zxingcpp.Binarizer]]:
    """Cheap to costly; each fixed some sample photo the plain pass could not read:
    a global threshold and a slight blur for halftoned or noisy QR codes, upscaling
    for thin bars, contrast equalization for faded labels, deskew for tilted 1D codes."""
    local, global_ = zxingcpp.Binarizer.LocalAverage, zxingcpp.Binarizer.GlobalHistogram
    blurred = cv2.GaussianBlur(gray, (3, 3), 0)
    yield blurred, _IDENTITY, global_
    yield blurred, _IDENTITY, local
    up, back = _enlarged(gray)
    if up is not gray:
        yield up, back, local
    yield _clahe(up), back, local
    rotated, back = deskew(gray)
    if rotated is not gray:
        yield rotated, back, local


def _pyzbar_fallback(gray: Gray) -> list[BarcodeRead]:
    """EAN/UPC by pyzbar on contrast-equalized, upscaled and deskewed copies; unconfirmed."""
    rotated, r_back = deskew(gray)
    looks = [(gray, _IDENTITY), (_clahe(gray), _IDENTITY), _enlarged(_clahe(gray))]
    if rotated is not gray:
        up, up_back = _enlarged(_clahe(rotated))
        looks.append((up, _compose(r_back, up_back)))
    for img, back in looks:
        reads = _pyzbar(img, back)
        if reads:
            return [replace(r, confirmed=False, support=PYZBAR_ONLY_CONFIDENCE, doubt=PYZBAR_ONLY)
                    for r in reads]  # fmt: skip
    return []


def _pyzbar(img: Gray, back: Affine) -> list[BarcodeRead]:
    return [
        BarcodeRead(
            symbology=r.type,
            family="EANUPC",
            text=r.data.decode("ascii", "replace"),
            gs1=False,
            quad=_map_back([(float(p.x), float(p.y)) for p in r.polygon], back),
        )
        for r in pyzbar.decode(img, symbols=_PYZBAR_SYMBOLS)
    ]


def _verify(gray: Gray, read: BarcodeRead) -> list[BarcodeRead]:
    """Second looks at the code's region; any disagreement makes the read unconfirmed.

    Silence is no disagreement (a hard photo is often read only once), nor is a
    partial read of the same text, but a different number is: the value most
    looks agree on is kept, with a rival that at least two looks read as a second
    unconfirmed read."""
    votes = Counter({read.text: 1})
    for look in _second_looks(gray, read):
        votes.update({r.text for r in look if not _is_part(r.text, read.text)})
    unanimous = len(votes) == 1
    best = votes.most_common()
    kept = [best[0]] + [(t, n) for t, n in best[1:] if n >= 2]
    total = sum(votes.values())
    doubt = "" if unanimous else DISAGREED
    return [replace(read, text=t, confirmed=unanimous, support=n / total, doubt=doubt)
            for t, n in kept]  # fmt: skip


def _second_looks(gray: Gray, read: BarcodeRead) -> Iterator[list[BarcodeRead]]:
    crop, back = _crop(gray, read.quad)
    formats = zxingcpp.BarcodeFormats(zxingcpp.barcode_format_from_str(read.family))
    factor = min(2.0, 1600 / max(crop.shape))
    for interpolation, f in ((cv2.INTER_LINEAR, factor), (cv2.INTER_CUBIC, factor * 0.75)):
        resized, r_back = _resize(crop, f, interpolation)
        yield _zxing(resized, _compose(back, r_back), formats=formats)
    yield _zxing(cv2.GaussianBlur(crop, (3, 3), 0), back, formats=formats)
    if read.symbology in RETAIL:
        yield [r for r in _pyzbar(crop, back) if r.symbology in RETAIL]


def _crop(gray: Gray, quad: Quad) -> tuple[Gray, Affine]:
    """The code's bounding box with a margin for the quiet zone (1D reads may be one row high)."""
    x, y, w, h = quad_box(quad)
    pad = int(0.25 * max(w, h)) + 10
    x0, y0 = max(0, x - pad), max(0, y - pad)
    x1, y1 = min(gray.shape[1], x + w + pad), min(gray.shape[0], y + h + pad)
    back = np.array([[1.0, 0.0, x0], [0.0, 1.0, y0]])
    return gray[y0:y1, x0:x1], back


def deskew(gray: Gray) -> tuple[Gray, Affine]:
    """Rotate so the dominant edge direction is axis-aligned, turning a tilted 1D code's
    bars upright for the row scanners; returns ``gray`` itself when already straight."""
    angle = dominant_angle(gray)
    tilt = (angle + 45.0) % 90.0 - 45.0  # nearest axis: bars may be vertical or horizontal
    if abs(tilt) < 3.0:
        return gray, _IDENTITY
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), tilt, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    rotated = cv2.warpAffine(gray, m, (nw, nh), flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_REPLICATE)  # fmt: skip
    return rotated, cv2.invertAffineTransform(m)


def dominant_angle(gray: Gray) -> float:
    """The gradient direction (degrees, 0–180) carrying the most edge energy."""
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)
    magnitude, angle = cv2.cartToPolar(gx, gy, angleInDegrees=True)
    hist, _ = np.histogram(angle % 180.0, bins=180, range=(0, 180), weights=magnitude)
    smooth = np.convolve(np.r_[hist[-2:], hist, hist[:2]], np.ones(5) / 5, mode="valid")
    return float(np.argmax(smooth)) + 0.5


def _enlarged(img: Gray) -> tuple[Gray, Affine]:
    """Twice the size for small images (thin bars need pixels); large ones as they are."""
    if max(img.shape) < SMALL_SIDE:
        return _resize(img, 2.0, cv2.INTER_CUBIC)
    return img, _IDENTITY


def _resize(img: Gray, factor: float, interpolation: int) -> tuple[Gray, Affine]:
    resized = cv2.resize(img, None, fx=factor, fy=factor, interpolation=interpolation)
    return resized, np.array([[1.0 / factor, 0.0, 0.0], [0.0, 1.0 / factor, 0.0]])


def _clahe(gray: Gray) -> Gray:
    return cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(gray)


def _compose(outer: Affine, inner: Affine) -> Affine:
    """``outer`` after ``inner``: both map towards the working image."""
    return outer @ np.vstack([inner, [0.0, 0.0, 1.0]])


def _corners(position: zxingcpp.Position) -> list[tuple[float, float]]:
    corners = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    return [(float(p.x), float(p.y)) for p in corners]


def _map_back(points: list[tuple[float, float]], back: Affine) -> Quad:
    pts = np.hstack([np.array(points, dtype=np.float64), np.ones((len(points), 1))]) @ back.T
    return tuple((float(x), float(y)) for x, y in pts)


def _is_product_code(read: BarcodeRead) -> bool:
    """EAN/UPC, or an ITF-14 carton code (14 digits with a valid GS1 check digit)."""
    itf14 = read.symbology == "ITF" and len(read.text) == 14 and gs1.gtin_valid(read.text)
    return read.symbology in RETAIL or itf14


def _weak(read: BarcodeRead) -> bool:
    return read.symbology in WEAK_CHECK


def _is_part(text: str, whole: str) -> bool:
    return text != whole and text in whole


def _without_partial_reads(reads: list[BarcodeRead]) -> list[BarcodeRead]:
    """Drop a weak-check read that is a piece of a longer read of the same family: a scan
    line crossing a tilted ITF or Code 39 symbol diagonally decodes only part of it."""
    return [r for r in reads if not (_weak(r) and any(
        o.family == r.family and _is_part(r.text, o.text) for o in reads))]  # fmt: skip


def _unique(reads: list[BarcodeRead]) -> list[BarcodeRead]:
    """One read per (symbology, text), the best supported first seen."""
    best: dict[tuple[str, str], BarcodeRead] = {}
    for r in reads:
        key = (r.symbology, r.text)
        if key not in best or (r.confirmed, r.support) > (best[key].confirmed, best[key].support):
            best[key] = r
    return list(best.values())


def _gs1_elements(read: BarcodeRead) -> list[gs1.Element] | None:
    """The GS1 elements of a GS1 symbol, or of a plain code holding "(01)…(21)…" text."""
    if not (read.gs1 or gs1.is_hri(read.text)):
        return None
    try:
        return gs1.parse(read.text)
    except gs1.GS1Error:
        return None
