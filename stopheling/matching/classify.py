"""kind=auto: which kinds a typed identifier plausibly is, best first (matching.md §0).

The shapes come from the rules of each kind. Where an input fits several kinds
(15 digits are an IMEI and a plausible serial; AB1234 is a sidecode-1 plate and a
serial) every plausible kind is returned so that the check can try them all:
missing a stolen item because we guessed the wrong kind would hurt more than
one extra indexed lookup.
"""

from __future__ import annotations

import re

from .imei import imei_digits, luhn_valid
from .plate import sidecode
from .text import compact, preprocess, strip_label
from .types import Kind

_LABEL_KINDS = {
    "IMEI": Kind.IMEI, "IMEI1": Kind.IMEI, "IMEI2": Kind.IMEI, "IMEISV": Kind.IMEI,
    "KENTEKEN": Kind.PLATE, "VIN": Kind.VIN, "CHASSIS": Kind.VIN, "CHASSISNR": Kind.VIN,
    "CHASSISNUMMER": Kind.VIN, "FRAMENUMMER": Kind.FRAME, "FRAMENR": Kind.FRAME,
    "FRAMENO": Kind.FRAME, "FRAMENUMBER": Kind.FRAME,
}  # fmt: skip
_IMEI_SHAPE = re.compile(r"^\s*(?:IMEI(?:\s*/\s*SV|SV)?\s*[:#]?\s*)?[0-9\s\-/._]+$")
_PLATE_FOLD = str.maketrans({"O": "0", "Q": "0", "I": "1"})
# A frame number: letters then digits, maybe letters after (BA1234567 since 2006;
# WAW 12345 K and the like before).
_FRAME_SHAPE = re.compile(r"^[A-Z]{1,4}[0-9]{4,8}[A-Z]{0,2}$")
_VIN_SHAPE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")


def classify(text: str) -> list[Kind]:
    """The plausible kinds of ``text``, best first; never empty (serial is the fallback).

    A label word ("IMEI:", "Kenteken:", "SN:") names the kind outright."""
    pre = preprocess(text)
    _, label = strip_label(pre)
    if label is None:
        return _by_shape(pre)
    return [_LABEL_KINDS.get(label, Kind.SERIAL)]


def _by_shape(pre: str) -> list[Kind]:
    c = compact(pre)
    kinds: list[Kind] = []
    digits = imei_digits(pre) if _IMEI_SHAPE.match(pre) else None
    if digits is not None and 14 <= len(digits) <= 16:
        kinds.append(Kind.IMEI)
        if len(digits) == 15 and luhn_valid(digits):
            return kinds + [Kind.SERIAL]
    folded = c.translate(_PLATE_FOLD)
    if (len(folded) == 6 and sidecode(folded)) or (
        len(folded) == 8 and folded.startswith("NL") and sidecode(folded[2:])
    ):
        kinds.append(Kind.PLATE)
    vin = c.translate(_PLATE_FOLD)  # V3 folds the same three letters: I, O, Q
    if _VIN_SHAPE.match(vin) and re.search(r"[A-Z]", vin) and re.search(r"[0-9]", vin):
        kinds.append(Kind.VIN)
    if _FRAME_SHAPE.match(c):
        kinds.append(Kind.FRAME)
    kinds.append(Kind.SERIAL)
    return kinds
