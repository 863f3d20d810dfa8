"""Read serial numbers and IMEIs from printed labels, product boxes and ``*#06#`` screens.

A label word ("S/N:", "IMEI1:", "Serienummer", "Framenummer", "VIN", ...)
says what the text after it is; a number without one could be anything
(model, EAN, date), so only labelled values become candidates, with one
exception: a 15-digit number whose Luhn check digit holds is an IMEI with
high probability and is offered with a lower confidence. The value follows
the label on the same line or, as on most ``*#06#`` screens, on the line below.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from stopheling.matching.imei import luhn_valid
from stopheling.matching.text import preprocess
from stopheling.scan.ocr import Image, Recognizer, TextLine
from stopheling.scan.types import Candidate

_START = r"(?<![A-Z0-9])"  # a label starts a word
_END = r"\s*[:#.]?\s*"  # and may end in ":", "#" or "."
_WORD = r"(?![A-Z0-9])"  # a word label must end there: "SN" may start a serial "SN4721…"
# OCR reads the I of IMEI as 1, l or |, and often drops the space or colon after
# "S/N" or "IMEI"; these two cannot start a value, so nothing needs to follow them.
# IMEI1/IMEI2 only with ":"/"#", or the 1 could be the number's first digit.
_I = r"[I1L|]"
LABELS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(_START + pattern + _END))
    for kind, pattern in (
        ("imei", rf"{_I}M[E3]{_I}(?:\s*/?\s*SV|\s*[12](?=\s*[:#]))?"),
        ("meid", rf"MEID{_WORD}"),
        ("serial", r"S\s*/\s*N"),
        ("serial", rf"(?:S\.N|SN|SERIA{_I}\s*(?:N[O0]|NUMBER|NR|#)?|SERIENUMMER|SERIENR){_WORD}"),
        ("frame", rf"(?:FRAME\s*(?:NO|NUMBER|NR|NUMMER)?|FRAMENUMMER|FRAMENR){_WORD}"),
        ("vin", rf"(?:VIN|CHASSIS\s*(?:NR|NO|NUMMER)?|CHASSISNUMMER){_WORD}"),
    )
)
# In an IMEI, letters can only be OCR look-alikes of digits (matching.md I2).
_DIGIT_FOLD = str.maketrans({"O": "0", "D": "0", "I": "1", "L": "1", "|": "1", "S": "5",
                             "Z": "2", "B": "8", "G": "6"})  # fmt: skip
_DIGITS_RE = re.compile(r"\d(?:[\s\-/.]?\d)*")
_NEXT_FIELD_RE = re.compile(r"\s{2,}|\s+(?=[A-Z/.]{1,12}\s*:)")  # "… MODEL: …" ends a value
_SV_SUFFIX_RE = re.compile(r"(?<=\d)\s*/\s*\d{2}$")  # Samsung's "35…9/01": IMEI/SV
_VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")

MIN_IMEI_DIGITS = 10  # fewer after an IMEI label is no reading worth showing
UNLABELLED_IMEI = 0.6  # confidence factor: a bare number might be something else
BAD_CHECK_DIGIT = 0.4  # an IMEI whose Luhn digit fails is offered, but as doubtful
MEID_FACTOR = 0.8  # the 14-digit MEID is the IMEI body of the same phone


@dataclass(frozen=True, slots=True)
class _Line:
    text: str  # preprocessed: NFKC, upper-case, look-alikes mapped
    raw: TextLine


def find_labels(
    image_bgr: Image, recognizer: Recognizer, *, text_lines: Sequence[TextLine] | None = None
) -> list[Candidate]:
    """Serial, IMEI, frame and VIN candidates from labelled text, most confident first.

    Pass ``text_lines`` when full-image detection already ran (it is the
    expensive part, about half a second on one core).
    """
    raw = recognizer.detect_and_recognize(image_bgr) if text_lines is None else text_lines
    lines = [_Line(preprocess(t.text), t) for t in raw]
    found = [c for i in range(len(lines)) for c in _labelled(lines, i)]
    found += [c for line in lines if (c := _unlabelled_imei(line))]
    return _dedupe(found)


def _labelled(lines: list[_Line], i: int) -> list[Candidate]:
    """The candidates labelled on line ``i``; several labels may share one line."""
    line, out = lines[i], []
    for kind, pattern in LABELS:
        for m in pattern.finditer(line.text):
            value, source = line.text[m.end() :], line
            if not _has_value(value):
                source = _next_line(lines, i) or line
                value = source.text if source is not line else ""
            if c := _candidate(kind, value, source.raw):
                out.append(c)
    return out


def _has_value(text: str) -> bool:
    return sum(ch.isalnum() for ch in text) >= 4


def _next_line(lines: list[_Line], i: int) -> _Line | None:
    """The unlabelled line right of or below line ``i``, where a label's value goes."""
    x, y, w, h = lines[i].raw.box
    for other in lines[i + 1 :] + lines[:i]:
        ox, oy, ow, oh = other.raw.box
        right = abs((oy + oh / 2) - (y + h / 2)) < h / 2 and ox >= x + w - h
        below = y + h / 2 < oy < y + 2.5 * h and ox < x + w and ox + ow > x
        if (right or below) and not any(p.search(other.text) for _, p in LABELS):
            return other
    return None


def _candidate(kind: str, value: str, line: TextLine) -> Candidate | None:
    if kind in ("imei", "meid"):
        return _imei(value, line, meid=kind == "meid")
    text = _NEXT_FIELD_RE.split(value.strip(), maxsplit=1)[0].strip(" :#.")
    alnum = re.sub(r"[^A-Z0-9]", "", text)
    if len(alnum) < 5 or (len(alnum) < 8 and alnum.isalpha()):
        return None  # too short to identify anything, or a word after the label
    valid = bool(_VIN_RE.match(alnum)) if kind == "vin" else None
    return Candidate(kind, text, "ocr", round(line.confidence, 3), line.box, valid=valid)


def _imei(value: str, line: TextLine, *, meid: bool) -> Candidate | None:
    """The IMEI after a label: 15 digits (Luhn-checked), or a decimal 14-digit MEID."""
    m = _DIGITS_RE.search(value.translate(_DIGIT_FOLD))
    if m is None:
        return None
    printed = _SV_SUFFIX_RE.sub("", m.group().strip())
    digits = re.sub(r"\D", "", printed)
    if meid:
        if len(digits) != 14:
            return None  # a hex MEID (CDMA) is no IMEI
        return Candidate("imei", printed, "ocr", round(line.confidence * MEID_FACTOR, 3),
                         line.box, notes=("MEID",))  # fmt: skip
    if len(digits) < MIN_IMEI_DIGITS:
        return None
    valid = len(digits) == 15 and luhn_valid(digits)
    confidence = line.confidence * (1.0 if valid else BAD_CHECK_DIGIT)
    notes = () if valid else ("check digit fails" if len(digits) == 15 else "not 15 digits",)
    return Candidate("imei", printed, "ocr", round(confidence, 3), line.box, valid=valid,
                     notes=notes)  # fmt: skip


def _unlabelled_imei(line: _Line) -> Candidate | None:
    digits = re.sub(r"[\s\-]", "", line.text)
    if len(digits) != 15 or not luhn_valid(digits):  # luhn_valid also wants digits only
        return None
    confidence = round(line.raw.confidence * UNLABELLED_IMEI, 3)
    return Candidate("imei", line.text.strip(), "ocr", confidence, line.raw.box, valid=True,
                     notes=("no label",))  # fmt: skip


def _dedupe(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per (kind, characters); an MEID goes when its IMEI was read."""
    best: dict[tuple[str, str], Candidate] = {}
    for c in candidates:
        key = (c.kind, re.sub(r"[^A-Z0-9]", "", c.text))
        if key not in best or c.confidence > best[key].confidence:
            best[key] = c
    bodies = {k[1][:14] for k, c in best.items() if c.kind == "imei" and c.valid}
    return sorted(
        (c for k, c in best.items() if not ("MEID" in c.notes and k[1] in bodies)),
        key=lambda c: -c.confidence,
    )
