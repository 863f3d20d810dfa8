"""Match purchases against the stolen register: when recorded, and again when stolen items
are added later (retro-matching), always through the indexes.

Retro-matching follows the stolen register's event log (``stolen_item_events``: created,
updated, status) with a cursor: each new event's item is looked up in
``purchase_identifiers`` by (kind, match_key), never the registers against everything.

Two races are closed:

* A purchase recorded while a stolen item is being imported. A purchase holds a shared
  advisory lock from its stolen-register check until it commits; the retro-matcher takes the
  same lock exclusively before it reads the purchases, so it sees every purchase whose check
  could have missed the new item (PostgreSQL; SQLite has one writer at a time anyway).
* Event ids that commit out of order (PostgreSQL sequences). The cursor only passes ids
  whose writers have all finished: when no transaction is writing stolen_item_events (its
  table lock in pg_locks), every visible id is final; otherwise the highest id is
  remembered with those transactions and passed once they have all ended (usually the
  next cycle). Transactions in other databases or on other tables never hold it up.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..matching import Kind, Outcome, classify, compare, from_storage, parse
from ..matching.index import match_key
from ..stolen.lookup import lookup
from ..stolen.models import StolenItem, StolenItemEvent, utcnow
from .alerts import raise_alert
from .models import PurchaseEntry, PurchaseIdentifier, RetroMatchCursor

ADVISORY_KEY = 4370437  # art. 437 Sr: the lock between recording and retro-matching
BATCH = 1000


def match_entry(session: Session, entry: PurchaseEntry, *, now: datetime) -> int:
    """Check each identifier of a new entry (exact matches, as the public check); returns
    the number of alerts raised."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock_shared(:k)"), {"k": ADVISORY_KEY})
    raised = 0
    for identifier in entry.identifiers:
        parsed = from_storage(identifier.kind, identifier.key, identifier.segments)
        matches, _near = lookup(session, parsed)
        for found in matches:
            if raise_alert(session, identifier, found.item, found="recording", now=now):
                raised += 1
    return raised


def _cursor(session: Session) -> RetroMatchCursor:
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    session.execute(
        insert(RetroMatchCursor).values(id=1, last_event_id=0, updated_at=utcnow())
        .on_conflict_do_nothing()
    )  # fmt: skip
    return session.scalars(
        select(RetroMatchCursor)
        .where(RetroMatchCursor.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _horizon(session: Session) -> tuple[int, frozenset[str] | None]:
    """(highest visible event id, the transactions writing events now; None on SQLite).

    Read in this order, in two statements: an event id at or below ``top`` that is not yet
    visible was taken by a transaction that had already inserted into stolen_item_events,
    so it holds that table's RowExclusiveLock until it ends (PostgreSQL sequences only
    grow, so a later insert gets a higher id)."""
    top = int(session.scalar(text("SELECT coalesce(max(id), 0) FROM stolen_item_events")) or 0)
    if session.get_bind().dialect.name != "postgresql":
        return top, None
    holders = session.scalars(
        text(
            "SELECT DISTINCT virtualtransaction FROM pg_locks "
            "WHERE locktype = 'relation' AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND relation = 'stolen_item_events'::regclass AND pid <> pg_backend_pid()"
        )
    )
    return top, frozenset(holders)


def retro_match(
    session: Session, *, max_events: int = 20 * BATCH, now: datetime | None = None
) -> int:
    """Match the stolen register's new events against the purchase registers; returns the
    number of alerts raised. The caller commits."""
    now = now or utcnow()
    top, holders = _horizon(session)
    cursor = _cursor(session)
    safe = _safe_up_to(cursor, top, holders)
    if safe <= cursor.last_event_id:
        session.flush()
        return 0
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": ADVISORY_KEY})
    raised, done = 0, cursor.last_event_id
    while done < safe and done - cursor.last_event_id < max_events:
        rows = session.execute(
            select(StolenItemEvent.id, StolenItemEvent.item_id)
            .where(StolenItemEvent.id > done, StolenItemEvent.id <= safe)
            .order_by(StolenItemEvent.id)
            .limit(BATCH)
        ).all()
        if not rows:
            done = safe
            break
        raised += _match_items(session, {r.item_id for r in rows}, now)
        done = rows[-1].id
    cursor.last_event_id, cursor.updated_at = done, now
    session.flush()
    return raised


def _safe_up_to(cursor: RetroMatchCursor, top: int, holders: frozenset[str] | None) -> int:
    """How far the cursor may go now; remembers a pending horizon (PostgreSQL)."""
    if holders is None:  # SQLite: one writer at a time, ids become visible in order
        return top
    if not holders:  # nobody is writing events: every id up to top is final
        cursor.pending_event_id = cursor.pending_holders = None
        return top
    safe = cursor.last_event_id
    if cursor.pending_event_id is not None:
        waiting = frozenset((cursor.pending_holders or "").split(","))
        if not waiting & holders:  # the writers seen then have all finished
            safe = max(safe, cursor.pending_event_id)
            cursor.pending_event_id = cursor.pending_holders = None
    if cursor.pending_event_id is None and top > safe:
        cursor.pending_event_id, cursor.pending_holders = top, ",".join(sorted(holders))
    return safe


def _match_items(session: Session, item_ids: set[int], now: datetime) -> int:
    """Alerts for the purchases whose identifiers match these (still stolen) items.

    The new items are read as light rows and joined to the purchases' (kind, match_key)
    index; a whole item is loaded only for a pair that matches (rare): loading every new
    item as an object cost most of the time of a large import's retro-matching."""
    light = session.execute(
        select(StolenItem.id, StolenItem.kind, StolenItem.key, StolenItem.segments,
               StolenItem.match_key)
        .where(StolenItem.id.in_(item_ids), StolenItem.status == "stolen")
    ).all()  # fmt: skip
    by_kind: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for row in light:
        by_kind[row.kind][row.match_key].append(row)
    raised = 0
    for kind, keyed in by_kind.items():
        keys = list(keyed)
        for start in range(0, len(keys), 500):
            candidates = session.scalars(
                select(PurchaseIdentifier).where(
                    PurchaseIdentifier.kind == kind,
                    PurchaseIdentifier.match_key.in_(keys[start : start + 500]),
                )
            ).all()
            for identifier in candidates:
                mine = from_storage(identifier.kind, identifier.key, identifier.segments)
                for row in keyed[identifier.match_key]:
                    theirs = from_storage(row.kind, row.key, row.segments)
                    if compare(mine, theirs) is not Outcome.MATCH:
                        continue
                    item = session.get(StolenItem, row.id)
                    if item is not None and raise_alert(
                        session, identifier, item, found="retro", now=now
                    ):
                        raised += 1
    return raised


def find_purchases(
    session: Session, query: str, *, kind: str = "auto", dealer_ids: list[int] | None = None,
    limit: int = 200,
) -> list[PurchaseEntry]:  # fmt: skip
    """Purchase entries with an identifier that matches ``query`` (for inspection), newest
    first; ``dealer_ids`` limits the search to those dealers (an inspector's area)."""
    kinds = [k.value for k in classify(query)] if kind == "auto" else [Kind(kind).value]
    conditions: list[Any] = []
    parsed_by_kind = {}
    for k in kinds:
        p = parse(query, k)
        if p.key is not None:
            parsed_by_kind[k] = p
            conditions.append(
                (PurchaseIdentifier.kind == k) & (PurchaseIdentifier.match_key == match_key(p))
            )
    if not conditions:
        return []
    from sqlalchemy import or_

    stmt = (
        select(PurchaseIdentifier)
        .join(PurchaseEntry, PurchaseEntry.id == PurchaseIdentifier.entry_id)
        .where(or_(*conditions))
    )
    if dealer_ids is not None:
        stmt = stmt.where(PurchaseEntry.dealer_id.in_(dealer_ids or [-1]))
    found: dict[int, PurchaseEntry] = {}
    for identifier in session.scalars(stmt.limit(limit * 2)):
        mine = from_storage(identifier.kind, identifier.key, identifier.segments)
        if compare(parsed_by_kind[identifier.kind], mine) is Outcome.MATCH:
            found[identifier.entry_id] = identifier.entry
    return sorted(found.values(), key=lambda e: e.recorded_at, reverse=True)[:limit]
