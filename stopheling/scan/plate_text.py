"""From an OCR reading to a Dutch plate: sidecode fitting and confusion repair.

An OCR engine does not know that a plate's layout fixes which positions hold
letters and which hold digits, so it confuses look-alikes (B/8, S/5, Z/2, G/6,
D/0, T/7, I/1, O/0). Here every sidecode is tried; a look-alike in the wrong
class costs one correction, anything else rules the sidecode out; the fewest
corrections win. Dashes the engine did read give the group lengths and rule
out sidecodes with other groups. Since a wrong plate can point at an innocent
car, every doubt (corrections, a tie, a reserved sidecode, dashes that fit no
sidecode) lowers the confidence instead of being guessed away.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate

from stopheling.matching.plate import SIDECODES, format_plate
from stopheling.matching.text import preprocess

# Letters issued from sidecode 4 on (matching.md §4): no vowels, no C or Q.
MODERN_LETTERS = frozenset("BDFGHJKLMNPRSTVWXZ")
OLD_SERIES = frozenset({1, 2, 3})  # letter groups could still hold vowels
RESERVED = frozenset({12, 13, 14})  # not issued yet: a fit there is suspect

# The OCR confusion pairs, both ways. A digit read where a letter is wanted may
# stand for more than one letter (0: D or O); the sidecode's alphabet decides.
LETTER_TO_DIGIT = {"B": "8", "S": "5", "Z": "2", "G": "6", "D": "0", "T": "7", "I": "1", "O": "0"}
DIGIT_TO_LETTERS = {"8": "B", "5": "S", "2": "Z", "6": "G", "0": "DO", "7": "T", "1": "I"}

# Dash look-alikes engines return (the Chinese PP-OCR model likes 一 for a dash).
_DASHES_RE = re.compile(r"[\-\u2010-\u2015\u2212\u4e00\u30fc\u00b7.]")
_NOT_PLATE_RE = re.compile(r"[^A-Z0-9-]")

# Below this a plate is only a "maybe": the caller should not present it as the plate read.
CONFIDENT = 0.5
# Confidence factors: each correction, a tie between different plates, a
# reserved sidecode, dashes that contradict every sidecode, no plate around it.
PER_CORRECTION = 0.8
AMBIGUOUS = 0.3
RESERVED_FACTOR = 0.5
DASHES_CONTRADICT = 0.7
# Scene text that fits a sidecode may be a label, a sign, part of a serial: read
# without a plate around it, it stays below CONFIDENT, a "maybe" for the user.
NO_OUTLINE = 0.5


@dataclass(frozen=True, slots=True)
class PlateReading:
    """A plate read from text: six characters without dashes and how sure we are of it."""

    plate: str
    sidecode: int
    corrections: tuple[str, ...]  # e.g. ("8→B at 3",)
    ambiguous: bool
    dashes: bool | None  # True: read dashes confirm the layout; False: they contradict it
    outline: bool = True  # False: read from scene text, not from a located plate

    @property
    def display(self) -> str:
        return format_plate(self.plate)

    def confidence(self, ocr_confidence: float) -> float:
        """The OCR engine's confidence, lowered for every doubt this reading carries."""
        c = ocr_confidence * PER_CORRECTION ** len(self.corrections)
        if self.ambiguous:
            c *= AMBIGUOUS
        if self.sidecode in RESERVED:
            c *= RESERVED_FACTOR
        if self.dashes is False:
            c *= DASHES_CONTRADICT
        if not self.outline:
            c *= NO_OUTLINE
        return round(c, 3)

    def notes(self) -> tuple[str, ...]:
        extra: tuple[str, ...] = ("ambiguous",) if self.ambiguous else ()
        if self.sidecode in RESERVED:
            extra += ("reserved sidecode",)
        if not self.outline:
            extra += ("no plate outline",)
        return tuple(f"corrected {c}" for c in self.corrections) + extra


def _layout(sc: int) -> tuple[str, frozenset[int]]:
    """Sidecode → ("XX99XX", dash positions {2, 4})."""
    groups = SIDECODES[sc]
    return "".join(groups), frozenset(accumulate(len(g) for g in groups[:-1]))


LAYOUTS = {sc: _layout(sc) for sc in SIDECODES}


def split_reading(raw: str) -> tuple[str, frozenset[int]]:
    """The characters of a reading without the EU band, and where dashes were read."""
    text = _NOT_PLATE_RE.sub("", _DASHES_RE.sub("-", preprocess(raw)))
    compact, cuts = "", set()
    for part in text.split("-"):
        if part:
            if compact:
                cuts.add(len(compact))
            compact += part
    if len(compact) == 8 and compact.startswith("NL"):
        compact, cuts = compact[2:], {c - 2 for c in cuts if c > 2}
    return compact, frozenset(cuts)


def _fix_position(ch: str, want: str, letters: frozenset[str]) -> tuple[str, bool] | None:
    """What ``ch`` must be at a position wanting a letter (X) or digit (9).

    Returns (character, ambiguous) or None when no confusion explains it.
    """
    if want == "9":
        return (ch, False) if ch.isdigit() else _single(LETTER_TO_DIGIT.get(ch, ""))
    if ch.isalpha():
        return (ch, False) if ch in letters else None
    options = [c for c in DIGIT_TO_LETTERS.get(ch, "") if c in letters]
    return (options[0], len(options) > 1) if options else None


def _single(option: str) -> tuple[str, bool] | None:
    return (option, False) if option else None


def fit_sidecode(compact: str, sc: int) -> PlateReading | None:
    """``compact`` repaired to fit sidecode ``sc``, or None if it cannot fit."""
    pattern, _ = LAYOUTS[sc]
    if len(compact) != len(pattern):
        return None
    letters = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ") if sc in OLD_SERIES else MODERN_LETTERS
    out, corrections, ambiguous = [], [], False
    for i, (ch, want) in enumerate(zip(compact, pattern, strict=True)):
        fixed = _fix_position(ch, want, letters)
        if fixed is None:
            return None
        out.append(fixed[0])
        ambiguous |= fixed[1]
        if fixed[0] != ch:
            corrections.append(f"{ch}→{fixed[0]} at {i + 1}")
    return PlateReading("".join(out), sc, tuple(corrections), ambiguous, None)


def _cost(reading: PlateReading) -> int:
    return len(reading.corrections) + (reading.sidecode in RESERVED)


def _prior(reading: PlateReading) -> tuple[bool, bool, int]:
    """Tie-break (the reading stays ambiguous): issued before reserved, recent series first,
    since most plates on the road today are younger than sidecode 4 (1978)."""
    sc = reading.sidecode
    return (sc in RESERVED, sc in OLD_SERIES, -sc)


def read_plate_text(raw: str) -> PlateReading | None:
    """The plate an OCR reading most likely shows, or None if it fits no sidecode."""
    compact, cuts = split_reading(raw)
    fits = [r for sc in SIDECODES if (r := fit_sidecode(compact, sc))]
    agreeing = [r for r in fits if cuts and cuts <= LAYOUTS[r.sidecode][1]]
    dashes: bool | None
    if agreeing:
        fits, dashes = agreeing, True
    else:
        dashes = False if cuts else None
    if not fits:
        return None
    best = min(_cost(r) for r in fits)
    winners = sorted((r for r in fits if _cost(r) == best), key=_prior)
    top = winners[0]
    tie = len({r.plate for r in winners}) > 1
    return PlateReading(top.plate, top.sidecode, top.corrections, top.ambiguous or tie, dashes)
