"""Rendered barcodes with known content: one per symbology the scanner must read.

zxing-cpp's writer renders them, so the corpus needs no image files and covers
exactly the payloads we care about: product codes, serials in 1D and 2D codes,
and GS1 codes whose serial (AI 21) must come out as its own candidate.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np
import zxingcpp

from .degrade import Image

GS = "\x1d"


@dataclass(frozen=True, slots=True)
class Spec:
    """``content`` is what the writer gets; ``payload`` what a decoder must return
    (Plain text mode); ``expect`` the (kind, text) candidates the scanner must report."""

    name: str
    symbology: str  # as in Candidate.source after "barcode:"
    fmt: zxingcpp.BarcodeFormat
    content: str
    payload: str
    expect: tuple[tuple[str, str], ...]
    gs1: bool = False


F = zxingcpp.BarcodeFormat
SPECS: tuple[Spec, ...] = (
    Spec("ean13", "EAN13", F.EAN13, "8712345678906", "8712345678906",
         (("gtin", "8712345678906"),)),
    Spec("upca", "EAN13", F.UPCA, "036000291452", "0036000291452", (("gtin", "0036000291452"),)),
    Spec("code128", "CODE128", F.Code128, "C02XK1Q2JG5H", "C02XK1Q2JG5H",
         (("serial", "C02XK1Q2JG5H"),)),
    Spec("code39", "CODE39", F.Code39, "WTU043C09876H", "WTU043C09876H",
         (("serial", "WTU043C09876H"),)),
    Spec("itf", "ITF", F.ITF, "00012345678905", "00012345678905",
         (("gtin", "00012345678905"),)),
    Spec("qr", "QRCODE", F.QRCode, "SN: R58N1234ABC", "SN: R58N1234ABC",
         (("serial", "SN: R58N1234ABC"),)),
    Spec("datamatrix", "DATAMATRIX", F.DataMatrix, "5CG7301XYZ", "5CG7301XYZ",
         (("serial", "5CG7301XYZ"),)),
    Spec("pdf417", "PDF417", F.PDF417, "FRAME WAW12345K", "FRAME WAW12345K",
         (("serial", "FRAME WAW12345K"),)),
    Spec("gs1-128", "CODE128", F.Code128, "(21)ABC12345(01)08712345678906",
         f"21ABC12345{GS}0108712345678906",
         (("serial", "ABC12345"), ("gtin", "08712345678906")), gs1=True),
    Spec("gs1-datamatrix", "DATAMATRIX", F.DataMatrix, "(01)08712345678906(21)X7Y8Z9",
         "010871234567890621X7Y8Z9", (("gtin", "08712345678906"), ("serial", "X7Y8Z9")),
         gs1=True),
)  # fmt: skip
BY_NAME = {s.name: s for s in SPECS}


@cache
def render(name: str, module_px: int = 3) -> Image:
    """The clean code as a BGR label: black on white with a white margin around it."""
    spec = BY_NAME[name]
    options = {"gs1": True} if spec.gs1 else {}
    barcode = zxingcpp.create_barcode(spec.content, spec.fmt, **options)
    gray = np.array(zxingcpp.write_barcode_to_image(barcode, scale=module_px), dtype=np.uint8)
    gray = cv2.copyMakeBorder(gray, 24, 24, 24, 24, cv2.BORDER_CONSTANT, value=255)
    image = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    image.flags.writeable = False  # cached: shared by every test
    return image


def encode(image: Image, ext: str = ".png") -> bytes:
    """The image as file bytes, as an upload would carry it."""
    ok, buf = cv2.imencode(ext, image)
    assert ok
    return buf.tobytes()
