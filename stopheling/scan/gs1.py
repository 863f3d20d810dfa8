"""Split GS1 element strings into (application identifier, value) pairs.

A GS1-128, GS1 DataMatrix, GS1 QR or DataBar Expanded code holds a run of
element strings: an application identifier (AI, 2–4 digits) followed by its
data. Data of a *predefined length* (GTIN, dates, measures…) runs to a fixed
length; everything else runs to the next FNC1, which decoders hand over as the
group separator ``\\x1d``, or to the end. Printed labels show the same content
as ``(01)08712345678906(21)ABC123``. We need this to lift the item's own serial
(AI 21) out of a code whose payload as a whole matches nothing in the register.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GS = "\x1d"

# Total length (AI + data) of the element strings with a predefined length, keyed
# by the AI's first two digits (GS1 General Specifications, "predefined length").
PREDEFINED_LENGTH: dict[str, int] = {
    "00": 20, "01": 16, "02": 16, "03": 16, "04": 18,
    "11": 8, "12": 8, "13": 8, "14": 8, "15": 8, "16": 8, "17": 8, "18": 8, "19": 8,
    "20": 4, "31": 10, "32": 10, "33": 10, "34": 10, "35": 10, "36": 10, "41": 16,
}  # fmt: skip

# How many digits the AI itself has, keyed by its first two digits.
_AI_DIGITS: dict[str, int] = {
    **{p: 3 for p in ("23", "24", "25", "40", "41", "42", "71")},
    **{p: 4 for p in ("31", "32", "33", "34", "35", "36", "39", "43", "70", "72", "80", "81",
                      "82")},
}  # fmt: skip

# AIs that identify one physical item or its product, and the kind we report them as.
IDENTIFIER_KINDS: dict[str, str] = {"01": "gtin", "21": "serial", "8004": "serial"}

_HRI_ELEMENT = re.compile(r"\((\d{2,4})\)([^()]*)")
_HRI_STRING = re.compile(r"(?:\(\d{2,4}\)[^()]*)+")
_SYMBOLOGY_ID = re.compile(r"^\][A-Za-z][0-9A-Za-z]")


class GS1Error(ValueError):
    """The text is not a well-formed GS1 element string."""


@dataclass(frozen=True, slots=True)
class Element:
    ai: str
    value: str


def is_hri(text: str) -> bool:
    """Whether ``text`` is entirely in the bracketed human-readable form, "(01)…(21)…"."""
    return bool(_HRI_STRING.fullmatch(text.strip()))


def parse(text: str) -> list[Element]:
    """Parse either form: bracketed HRI or the raw FNC1/GS-separated string."""
    text = _SYMBOLOGY_ID.sub("", text.strip())
    return parse_hri(text) if text.startswith("(") else parse_raw(text)


def parse_hri(text: str) -> list[Element]:
    """Parse "(01)08712345678906(21)ABC123"; the brackets make lengths explicit."""
    if not is_hri(text):
        raise GS1Error("not a bracketed GS1 element string")
    elements = [Element(ai, value) for ai, value in _HRI_ELEMENT.findall(text.strip())]
    for e in elements:
        _check(e)
    return elements


def parse_raw(text: str) -> list[Element]:
    """Parse the decoder form: fixed-length data by the table, the rest up to GS."""
    elements: list[Element] = []
    pos = 0
    text = text.lstrip(GS)
    while pos < len(text):
        ai = _read_ai(text, pos)
        start = pos + len(ai)
        fixed = PREDEFINED_LENGTH.get(ai[:2])
        if fixed is not None:
            end = pos + fixed
            if end > len(text):
                raise GS1Error(f"AI {ai}: data shorter than its fixed length")
        else:
            end = text.find(GS, start)
            end = len(text) if end < 0 else end
        elements.append(_check(Element(ai, text[start:end])))
        pos = end + 1 if end < len(text) and text[end] == GS else end
    if not elements:
        raise GS1Error("empty element string")
    return elements


def _read_ai(text: str, pos: int) -> str:
    ai = text[pos : pos + _AI_DIGITS.get(text[pos : pos + 2], 2)]
    if len(ai) < 2 or not ai.isdigit() or len(ai) < _AI_DIGITS.get(ai[:2], 2):
        raise GS1Error(f"no application identifier at position {pos}")
    return ai


def _check(e: Element) -> Element:
    """Refuse what cannot be GS1, so that arbitrary digits are not taken for AIs."""
    fixed = PREDEFINED_LENGTH.get(e.ai[:2])
    if fixed is not None and len(e.ai) + len(e.value) != fixed:
        raise GS1Error(f"AI {e.ai}: wrong length")
    if not e.value or GS in e.value:
        raise GS1Error(f"AI {e.ai}: empty or malformed data")
    if e.ai in ("01", "02") and not gtin_valid(e.value):
        raise GS1Error(f"AI {e.ai}: bad GTIN check digit")
    return e


def gtin_valid(digits: str) -> bool:
    """GS1 mod-10 check digit (GTIN-8/12/13/14, SSCC): weights 3,1,3,… from the right."""
    if not digits.isdigit() or len(digits) < 2:
        return False
    body = [int(c) for c in reversed(digits[:-1])]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(body))
    return (10 - total % 10) % 10 == int(digits[-1])


def identifiers(elements: list[Element]) -> list[tuple[str, str]]:
    """The (kind, value) pairs worth checking against the register, in code order."""
    return [(IDENTIFIER_KINDS[e.ai], e.value) for e in elements if e.ai in IDENTIFIER_KINDS]
