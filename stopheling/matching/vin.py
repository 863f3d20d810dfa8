"""Vehicle identification numbers (matching.md §5)."""

from __future__ import annotations

from .serial import is_near_contain, is_near_edit
from .text import compact, is_placeholder, preprocess, strip_label
from .types import Kind, Outcome, ParsedIdentifier

# V3: ISO 3779 never uses I, O or Q. S B Z G L are legal VIN letters: not folded.
_FOLD = str.maketrans({"I": "1", "O": "0", "Q": "0"})
VIN_LENGTH = 17


def parse_vin(text: str) -> ParsedIdentifier:
    pre, label = strip_label(preprocess(text))
    key = compact(pre).translate(_FOLD)
    if is_placeholder(pre) or not key:
        return ParsedIdentifier(Kind.VIN, text, key, None, False, key, label=label)
    return from_key(key, text=text, label=label)


def from_key(key: str, *, text: str | None = None, label: str | None = None) -> ParsedIdentifier:
    # The position-9 check digit is mandatory only in North America: never used to reject.
    return ParsedIdentifier(
        kind=Kind.VIN, text=key if text is None else text, normalized=key, key=key,
        valid=len(key) == VIN_LENGTH, display=key, label=label,
    )  # fmt: skip


def compare_vins(a: ParsedIdentifier, b: ParsedIdentifier) -> Outcome:
    if a.key is None or b.key is None:
        return Outcome.NONE
    if a.key == b.key:
        return Outcome.MATCH
    if is_near_edit(a.key, b.key) or is_near_contain(a.key, b.key):
        return Outcome.NEAR
    return Outcome.NONE
