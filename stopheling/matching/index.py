"""Keys that a database index can serve, so that near matching never scans the register.

For every stored identifier we store:

* ``match_key`` — equality key for `match` (a btree index).
* ``order_key`` — the sorted segments, for N-order (a btree index).
* ``pieces``   — a partition of the key into pieces, for N-edit (a btree index on
  ``piece``; one row per piece).
* the compact key itself, for N-contain, which the database serves with a trigram
  index (PostgreSQL pg_trgm, SQLite FTS5 trigram).

Why pieces find every N-edit partner (pigeonhole): split a key of length L into
k + 1 + skip pieces, where k is the largest edit budget any partner of that key can
have. An insertion, deletion or substitution breaks at most one piece, so within
k edits at least ``skip + 1`` pieces survive intact; one of the stored pieces (the
first ``skip`` pieces are not stored: their prefixes — an IMEI's TAC, a VIN's
manufacturer code, a serial's factory code — are shared by millions of items and would
make huge buckets) therefore stands unchanged in the query, shifted by at most k
positions. A swap of two adjacent characters (OSA counts it as one edit) can break
two pieces when it straddles a boundary; the query probe also tries the query with that
swap undone at every boundary, after which at most k - 1 edits remain, which break at most
2(k - 1) <= k pieces for the budgets used here (k <= 2). The probe is exact: every
N-edit partner is among the candidates (tests/matching/test_index.py compares it
with brute force), and the final outcome is always decided by the rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from . import imei, plate
from .serial import MIN_CONTAIN_LENGTH, edit_budget, order_key
from .types import ImeiStatus, Kind, ParsedIdentifier

# Kinds whose N-edit/N-contain rules are the generic ones of §2.
_GENERIC_KINDS = (Kind.SERIAL, Kind.FRAME, Kind.VIN)
# Leading pieces not stored, per kind (see the module docstring). Serials share prefixes
# too (a manufacturer's factory and year codes: C02…, R58…): on 73,000 invented serials
# not storing the first piece cut the candidate rows a query reads from ~4,800 to ~420.
SKIP = {Kind.SERIAL: 1, Kind.FRAME: 1, Kind.VIN: 1, Kind.IMEI: 1}
IMEI_BUDGET = 1
IMEI_MIN_LENGTH = 13


@dataclass(frozen=True, slots=True)
class StoredKeys:
    match_key: str | None
    order_key: str | None
    pieces: tuple[str, ...]
    contain_key: str | None


@dataclass(slots=True)
class Probe:
    """What to ask the database for one query identifier."""

    match_key: str | None
    exact_keys: set[str] = field(default_factory=set)  # more equality lookups on match_key
    order_key: str | None = None
    pieces: set[str] = field(default_factory=set)
    contained_in: str | None = None  # stored keys containing this (trigram index)


def match_key(p: ParsedIdentifier) -> str | None:
    if p.key is None:
        return None
    return imei.match_key(p.key) if p.kind is Kind.IMEI else p.key


def stored_keys(p: ParsedIdentifier) -> StoredKeys:
    if p.key is None:
        return StoredKeys(None, None, (), None)
    pieces = tuple(sorted(set(_stored_pieces(p))))
    contain = p.key if p.kind in _GENERIC_KINDS and len(p.key) > MIN_CONTAIN_LENGTH else None
    okey = order_key(p.segments) if p.kind in (Kind.SERIAL, Kind.FRAME) else None
    return StoredKeys(match_key(p), okey, pieces, contain)


def probe(p: ParsedIdentifier) -> Probe:
    pr = Probe(match_key=match_key(p))
    if p.key is None:
        return pr
    if p.kind is Kind.PLATE:
        pr.exact_keys.update(plate.near_variants(p.key))
        return pr
    for rep, budget in _near_reps(p):
        pr.pieces.update(_probe_pieces(p.kind, rep, budget))
    if p.kind in _GENERIC_KINDS:
        if p.kind is not Kind.VIN:
            pr.order_key = order_key(p.segments)
        pr.exact_keys.update(_substrings(p.key))
        if len(p.key) >= MIN_CONTAIN_LENGTH:
            pr.contained_in = p.key
    pr.exact_keys.discard(pr.match_key or "")
    return pr


def piece_key(kind: Kind, length: int, index: int, text: str) -> str:
    return f"{kind.value[0]}{length}.{index}.{text}"


def layout(length: int, budget: int, skip: int) -> list[tuple[int, int]]:
    """(start, length) of each of the budget + 1 + skip pieces of a key of ``length``."""
    n = budget + 1 + skip
    base, extra = divmod(length, n)
    spans, start = [], 0
    for i in range(n):
        size = base + (1 if i >= n - extra else 0)
        spans.append((start, size))
        start += size
    return spans


def _stored_budget(kind: Kind, length: int) -> int:
    if kind is Kind.IMEI:
        return IMEI_BUDGET if length >= IMEI_MIN_LENGTH else 0
    return edit_budget(length)


def _near_reps(p: ParsedIdentifier) -> list[tuple[str, int]]:
    """(representation, largest budget any partner allows) for N-edit / I-near."""
    assert p.key is not None
    if p.kind is Kind.IMEI:
        if len(p.key) < IMEI_MIN_LENGTH or p.imei_status is ImeiStatus.NOT_IMEI:
            return []
        return [(r, IMEI_BUDGET) for r in imei.representations(p.key)]
    if p.kind not in _GENERIC_KINDS:
        return []
    budget = edit_budget(len(p.key))
    return [(p.key, budget)] if budget else []


def _stored_pieces(p: ParsedIdentifier) -> Iterator[str]:
    for rep, _ in _near_reps(p):
        k = _stored_budget(p.kind, len(rep))
        skip = SKIP[p.kind]
        for i, (start, size) in enumerate(layout(len(rep), k, skip)):
            if i >= skip and size:
                yield piece_key(p.kind, len(rep), i, rep[start : start + size])


def _probe_pieces(kind: Kind, q: str, budget: int) -> set[str]:
    keys: set[str] = set()
    m = len(q)
    for length in range(m - budget, m + budget + 1):
        k_stored = _stored_budget(kind, length)
        pair = min(k_stored, budget) if kind is Kind.IMEI else edit_budget(min(m, length))
        if pair == 0 or abs(length - m) > pair:
            continue
        spans = layout(length, k_stored, SKIP[kind])
        keys |= _lookups(kind, q, length, spans, pair)
        for variant in _unswapped(q, spans, pair):
            keys |= _lookups(kind, variant, length, spans, pair - 1)
    return keys


def _lookups(kind: Kind, q: str, length: int, spans: list[tuple[int, int]], shift: int) -> set[str]:
    out: set[str] = set()
    skip = SKIP[kind]
    for i, (start, size) in enumerate(spans):
        if i < skip or not size:
            continue
        for d in range(-shift, shift + 1):
            s = start + d
            if s >= 0 and s + size <= len(q):
                out.add(piece_key(kind, length, i, q[s : s + size]))
    return out


def _unswapped(q: str, spans: list[tuple[int, int]], pair: int) -> Iterator[str]:
    """The query with one adjacent swap undone at each piece boundary."""
    for start, _ in spans[1:]:
        for d in range(-(pair - 1), pair):
            j = start + d
            if 1 <= j < len(q) and q[j - 1] != q[j]:
                yield q[: j - 1] + q[j] + q[j - 1] + q[j + 1 :]


def _substrings(key: str) -> set[str]:
    """Every part of ``key`` a stored key could be for N-contain (stored shorter)."""
    m = len(key)
    return {key[i : i + n] for n in range(MIN_CONTAIN_LENGTH, m) for i in range(m - n + 1)}
