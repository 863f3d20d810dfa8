"""Retention: erase sellers' and buyers' personal data from old register entries.

Neither the law nor the Uitvoeringsbesluit sets a term; the DOR keeps registrations for
four years (domain.md 4.2, 4.9), our default. The item data stay (the register remains
complete) and the hash chain stays verifiable: the personal fields enter the chain only
through their stored digest, which the erasure keeps (dealers.register). Every erasure is
written to the audit log, scoped to the dealer's municipality.

Run daily by ``stopheling erase-expired-sellers`` (the delivery worker runs it once a day).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .inspection import record_read
from .models import PurchaseEntry, SaleEntry

ACTOR = "system:retention"
BATCH = 500


@dataclass(frozen=True, slots=True)
class Erased:
    purchases: int
    sales: int
    cutoff: datetime


def cutoff(now: datetime, years: int) -> datetime:
    """``years`` calendar years before ``now`` (29 February becomes 28 February)."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def erase_expired(
    session: Session,
    *,
    now: datetime,
    years: int,
    commit: bool = True,
) -> Erased:
    """Blank the personal data of entries recorded before ``now`` minus ``years``.

    Works in batches and commits each (``commit``), so that a large first run neither
    holds long locks nor loses its progress when interrupted; running it again is safe."""
    from .register import erase_purchase_personal_data, erase_sale_personal_data

    if years < 1:
        raise ValueError("The retention period is at least one year.")
    limit = cutoff(now, years)
    reason = f"bewaartermijn {years} jaar verstreken (vastgelegd voor {limit.date().isoformat()})"
    counts = {}
    for name, model, erase in (
        ("purchase", PurchaseEntry, erase_purchase_personal_data),
        ("sale", SaleEntry, erase_sale_personal_data),
    ):
        total = 0
        while True:
            batch = list(
                session.scalars(
                    select(model)
                    .where(model.recorded_at < limit, model.erased_at.is_(None))
                    .order_by(model.id)
                    .limit(BATCH)
                    # several workers on PostgreSQL: each erases (and logs) a row once
                    .with_for_update(skip_locked=True)
                )
            )
            for entry in batch:
                erase(session, entry, now=now)
                record_read(
                    session,
                    actor=ACTOR,
                    action=f"erase_{'seller' if name == 'purchase' else 'buyer'}",
                    dealer=entry.dealer,
                    subject=f"{name}:{entry.dealer_id}:{entry.number}",
                    reason=reason,
                )
            session.flush()
            total += len(batch)
            if commit:
                session.commit()
            if len(batch) < BATCH:
                break
        counts[name] = total
    return Erased(purchases=counts["purchase"], sales=counts["sale"], cutoff=limit)


def due_today(last_run: date | None, today: date) -> bool:
    """Once a day: the worker's schedule."""
    return last_run != today
