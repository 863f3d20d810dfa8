"""Dutch licence plates (matching.md §4, domain.md §3)."""

from __future__ import annotations

import re

from .text import compact, is_placeholder, preprocess, strip_label
from .types import Kind, Outcome, ParsedIdentifier

# Sidecode -> layout of letter (X) and digit (9) groups; dashes fall between groups.
SIDECODES: dict[int, tuple[str, ...]] = {
    1: ("XX", "99", "99"), 2: ("99", "99", "XX"), 3: ("99", "XX", "99"),
    4: ("XX", "99", "XX"), 5: ("XX", "XX", "99"), 6: ("99", "XX", "XX"),
    7: ("99", "XXX", "9"), 8: ("9", "XXX", "99"), 9: ("XX", "999", "X"),
    10: ("X", "999", "XX"), 11: ("XXX", "99", "X"), 12: ("X", "99", "XXX"),
    13: ("9", "XX", "999"), 14: ("999", "XX", "9"),
}  # fmt: skip


def _regex(groups: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(
        "^" + "".join("[A-Z]" * len(g) if g[0] == "X" else r"[0-9]" * len(g) for g in groups) + "$"
    )


_SIDECODE_RES = {sc: _regex(groups) for sc, groups in SIDECODES.items()}
# PL3: O, Q and I are never issued on modern plates; folding both sides keeps old
# plates with an O matching themselves. B S Z G D T are real plate letters: not folded.
_FOLD = str.maketrans({"O": "0", "Q": "0", "I": "1"})
# PL-near: one position differing by one of these OCR confusions.
CONFUSIONS: dict[str, str] = {
    "B": "8", "8": "B", "S": "5", "5": "S", "Z": "2", "2": "Z",
    "G": "6", "6": "G", "D": "0", "0": "D", "T": "7", "7": "T",
}  # fmt: skip


def sidecode(plate: str) -> int | None:
    """The sidecode whose layout fits ``plate`` (6 characters, no dashes), else None."""
    for sc, rx in _SIDECODE_RES.items():
        if rx.match(plate):
            return sc
    return None


def format_plate(plate: str) -> str:
    """Dashes where the sidecode puts them ("52HZK7" -> "52-HZK-7"); unchanged if none fits."""
    sc = sidecode(plate)
    if sc is None:
        return plate
    parts, pos = [], 0
    for group in SIDECODES[sc]:
        parts.append(plate[pos : pos + len(group)])
        pos += len(group)
    return "-".join(parts)


def parse_plate(text: str) -> ParsedIdentifier:
    pre, label = strip_label(preprocess(text))
    normalized = compact(pre)
    key: str | None = normalized.translate(_FOLD)
    # PL4: OCR often reads the EU band "NL" in front of the plate.
    if key is not None and len(key) == 8 and key.startswith("NL") and sidecode(key[2:]):
        key, normalized = key[2:], normalized[2:]
    if is_placeholder(pre) or not key:
        key = None
    valid = key is not None and sidecode(key) is not None
    display = format_plate(key) if key and valid else normalized
    return ParsedIdentifier(
        kind=Kind.PLATE, text=text, normalized=normalized, key=key, valid=valid,
        display=display, label=label,
    )  # fmt: skip


def from_key(key: str) -> ParsedIdentifier:
    valid = sidecode(key) is not None
    return ParsedIdentifier(
        kind=Kind.PLATE, text=key, normalized=key, key=key, valid=valid,
        display=format_plate(key) if valid else key,
    )  # fmt: skip


def compare_plates(a: ParsedIdentifier, b: ParsedIdentifier) -> Outcome:
    if a.key is None or b.key is None:
        return Outcome.NONE
    if a.key == b.key:
        return Outcome.MATCH
    return Outcome.NEAR if b.key in near_variants(a.key) else Outcome.NONE


def near_variants(key: str) -> list[str]:
    """Every key one OCR confusion away: the only near matches a plate has."""
    return [key[:i] + CONFUSIONS[ch] + key[i + 1 :] for i, ch in enumerate(key) if ch in CONFUSIONS]
