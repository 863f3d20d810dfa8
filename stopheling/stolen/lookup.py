"""The check: is this identifier in the stolen register? (rules: matching core)

Every database question here is one an index answers: equality on match_key /
order_key, the near-match pieces, and the trigram index for containment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..matching import Kind, Outcome, ParsedIdentifier, classify, compare, from_storage, parse
from ..matching.distance import osa
from ..matching.index import Probe, probe
from ..metrics import count_check
from .models import StolenItem, StolenNearPiece

MAX_MATCHES = 50
MAX_NEAR = 5
# Bounds on candidate rows read for near matches: keeps a pathological query (a very
# common piece) from costing more than a few milliseconds. Exact matches are unbounded
# by this; only "did you mean" suggestions could be cut short.
MAX_CANDIDATES = 500
_LIGHT = (StolenItem.id, StolenItem.kind, StolenItem.key, StolenItem.segments)


@dataclass(frozen=True, slots=True)
class Found:
    item: StolenItem
    outcome: Outcome
    distance: int


def check(session: Session, query: str, kind: str = "auto") -> dict[str, Any]:
    """The answer of GET /api/v1/check (api-v1.md), for the API and the web page alike."""
    kinds = classify(query) if kind == "auto" else [Kind(kind)]
    parsed = [parse(query, k) for k in kinds]
    matches: list[Found] = []
    near: list[Found] = []
    for p in parsed:
        m, n = lookup(session, p)
        matches += m
        near += n
    seen = {f.item.id for f in matches}
    near = _best_near([f for f in near if f.item.id not in seen])
    chosen = next((p for p in parsed if any(f.item.kind == p.kind for f in matches)), parsed[0])
    result = {
        "query": query,
        "kind": chosen.kind.value,
        "normalized": chosen.normalized,
        "valid": chosen.valid,
        "flagged": bool(matches),
        "matches": [public_item(f.item, "exact") for f in matches[:MAX_MATCHES]],
        "near": [public_item(f.item, "near") for f in near],
        "display": chosen.display,
    }
    count_check(result)
    return result


def lookup(session: Session, p: ParsedIdentifier) -> tuple[list[Found], list[Found]]:
    """(matches, near) for one parsed identifier of one kind.

    Candidates are read as light rows (id, kind, key, segments); only the items the
    rules keep are loaded whole: a common piece can bring hundreds of candidates."""
    if p.key is None:
        return [], []
    pr = probe(p)
    exact = _rows(session, p.kind, StolenItem.match_key == pr.match_key, MAX_MATCHES)
    candidates = {row.id: row for row in _near_candidates(session, p.kind, pr)}
    matched: dict[int, int] = {}
    near: dict[int, int] = {}
    for row in [*exact, *candidates.values()]:
        outcome = compare(p, from_storage(row.kind, row.key, row.segments))
        if outcome is Outcome.MATCH:
            matched.setdefault(row.id, 0)
        elif outcome is Outcome.NEAR:
            near.setdefault(row.id, osa(p.key, row.key, 20))
    items = _load(session, [*matched, *near])
    return (
        [Found(items[i], Outcome.MATCH, 0) for i in matched],
        [Found(items[i], Outcome.NEAR, d) for i, d in near.items()],
    )


def _best_near(found: list[Found]) -> list[Found]:
    unique = {f.item.id: f for f in found}.values()
    return sorted(unique, key=lambda f: (f.distance, -f.item.reported_on.toordinal()))[:MAX_NEAR]


def _rows(session: Session, kind: Kind, condition: Any, limit: int) -> list[Any]:
    """Light rows (id, kind, key, segments) of stolen items of ``kind`` meeting ``condition``."""
    stmt = (
        select(*_LIGHT)
        .where(StolenItem.kind == kind.value, StolenItem.status == "stolen", condition)
        .limit(limit)
    )
    return list(session.execute(stmt))


def _load(session: Session, ids: list[int]) -> dict[int, StolenItem]:
    if not ids:
        return {}
    return {
        item.id: item for item in session.scalars(select(StolenItem).where(StolenItem.id.in_(ids)))
    }


def _near_candidates(session: Session, kind: Kind, pr: Probe) -> Iterable[Any]:
    if pr.exact_keys:
        yield from _rows(session, kind, StolenItem.match_key.in_(pr.exact_keys), MAX_CANDIDATES)
    if pr.order_key:
        yield from _rows(session, kind, StolenItem.order_key == pr.order_key, MAX_CANDIDATES)
    ids: set[int] = set()
    if pr.pieces:
        stmt = (
            select(StolenNearPiece.item_id)
            .where(StolenNearPiece.piece.in_(pr.pieces))
            .distinct()
            .limit(MAX_CANDIDATES)
        )
        ids.update(session.scalars(stmt))
    if pr.contained_in:
        ids.update(_containing(session, pr.contained_in))
    if ids:
        yield from _by_ids(session, kind, ids)


def _by_ids(session: Session, kind: Kind, ids: set[int]) -> list[Any]:
    """Light rows of the stolen items among ``ids`` of ``kind``; the kind is tested here,
    not in SQL: beside ``kind = ?`` SQLite's planner (without ANALYZE statistics) may
    pick a (kind, ...) index over the rowid lookups and read every item of that kind
    (50 ms at 300,000 items instead of 0.1 ms)."""
    stmt = select(*_LIGHT).where(StolenItem.id.in_(ids), StolenItem.status == "stolen")
    return [row for row in session.execute(stmt) if row.kind == kind.value][:MAX_CANDIDATES]


def _containing(session: Session, key: str) -> list[int]:
    """Ids of items whose key contains ``key`` (a trigram index serves it on both databases).

    ``key`` holds only A-Z and 0-9 (the matching core removed everything else), so it
    can carry no LIKE wildcard nor FTS syntax."""
    assert key.isalnum() and key.isascii()
    if session.get_bind().dialect.name == "sqlite":
        stmt = text("SELECT rowid FROM stolen_contain WHERE stolen_contain MATCH :q LIMIT :n")
        return list(session.scalars(stmt, {"q": f'"{key}"', "n": MAX_CANDIDATES}))
    stmt = text("SELECT id FROM stolen_items WHERE key LIKE :q LIMIT :n")
    return list(session.scalars(stmt, {"q": f"%{key}%", "n": MAX_CANDIDATES}))


def public_item(item: StolenItem, match: str) -> dict[str, Any]:
    """What the public may see of a stolen item: never the case, victim or reporter."""
    return {
        "ref": item.ref,
        "match": match,
        "kind": item.kind,
        "identifier": item.normalized,
        "category": item.category,
        "brand": item.brand,
        "model": item.model,
        "colour": item.colour,
        "description": item.description,
        "reported_on": item.reported_on.isoformat(),
        "police_unit": {"code": item.police_unit.code, "name": item.police_unit.name},
    }
