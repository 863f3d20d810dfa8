"""Serial numbers and bike frame numbers (matching.md §2)."""

from __future__ import annotations

import re

from .distance import osa
from .text import compact, is_placeholder, preprocess, strip_label
from .types import Kind, Outcome, ParsedIdentifier

# K2: exactly Bike Index's substitution set. "|" is folded before separators are
# handled, so an OCR pipe becomes 1. G/6, U/V, T/7 and D/0 are deliberately not folded.
_FOLD = str.maketrans({"I": "1", "L": "1", "|": "1", "O": "0", "S": "5", "Z": "2", "B": "8"})
_SEGMENT_RE = re.compile(r"[A-Z0-9]+")

MIN_ORDER_LENGTH = 6
MIN_CONTAIN_LENGTH = 8


def edit_budget(length: int) -> int:
    """N-edit budget by the length of the *shorter* key: short serials never near-match."""
    if length < 6:
        return 0
    return 1 if length <= 9 else 2


def fold_segments(text: str) -> tuple[str, ...]:
    """K2 fold, K3 split into segments, K4 drop zeros at the start of the whole value."""
    segments = _SEGMENT_RE.findall(text.translate(_FOLD))
    while segments:
        stripped = segments[0].lstrip("0")
        if stripped:
            segments[0] = stripped
            break
        segments.pop(0)
    return tuple(segments)


def parse_serial(text: str, kind: Kind = Kind.SERIAL) -> ParsedIdentifier:
    pre, label = strip_label(preprocess(text))
    pre = pre.replace("|", "1")  # an OCR pipe is a 1 (K2, before separators), never a break
    normalized = compact(pre)
    segments = () if is_placeholder(pre) else fold_segments(pre)
    key = "".join(segments) or None
    return ParsedIdentifier(
        kind=kind, text=text, normalized=normalized, key=key, valid=None,
        display=normalized, segments=segments if key else (), label=label,
    )  # fmt: skip


def from_key(kind: Kind, key: str, segments: tuple[str, ...]) -> ParsedIdentifier:
    """Rebuild a parsed value from stored keys (no re-parsing of the raw text)."""
    return ParsedIdentifier(
        kind=kind, text=key, normalized=key, key=key, valid=None, display=key,
        segments=segments or (key,),
    )  # fmt: skip


def compare_serials(a: ParsedIdentifier, b: ParsedIdentifier) -> Outcome:
    """M-exact, then N-edit, N-order and N-contain; everything else is none."""
    if a.key is None or b.key is None:
        return Outcome.NONE
    if a.key == b.key:
        return Outcome.MATCH
    if is_near_edit(a.key, b.key) or is_near_contain(a.key, b.key):
        return Outcome.NEAR
    if is_near_order(a.segments, b.segments):
        return Outcome.NEAR
    return Outcome.NONE


def is_near_edit(a: str, b: str) -> bool:
    budget = edit_budget(min(len(a), len(b)))
    return budget > 0 and osa(a, b, budget) <= budget


def is_near_contain(a: str, b: str) -> bool:
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return len(short) >= MIN_CONTAIN_LENGTH and short in long_


def is_near_order(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if len(a) < 2 or len(b) < 2 or sum(map(len, a)) < MIN_ORDER_LENGTH:
        return False
    return sorted(a) == sorted(b) and a != b


def order_key(segments: tuple[str, ...]) -> str | None:
    """The key under which N-order partners meet: the segments sorted."""
    if len(segments) < 2 or sum(map(len, segments)) < MIN_ORDER_LENGTH:
        return None
    return "-".join(sorted(segments))
