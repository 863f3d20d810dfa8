"""Alerts: a purchase that matches a stolen item goes to the police, durably, and the good
is held.

An alert is delivered as hit reports (source ``buyer_register``) through the existing outbox
(stopheling.reports): one to the unit that recorded the theft and one to the unit of the
dealer's municipality when that is another unit. The report and its delivery jobs are added
in the caller's transaction, so an alert is never lost once the entry is stored. The dealer
only learns that the good must be held for the police (domain.md §4.9), never the case.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFound
from ..reference.data import CATEGORIES
from ..reports.models import HitReport
from ..reports.service import _queue_deliveries as queue_deliveries  # the outbox, reused
from ..reports.service import new_public_id
from ..stolen.models import StolenItem, utcnow
from .models import PurchaseEntry, PurchaseIdentifier, RegisterAlert
from .rules import LOCAL


def raise_alert(
    session: Session,
    identifier: PurchaseIdentifier,
    item: StolenItem,
    *,
    found: str,
    now: datetime | None = None,
) -> RegisterAlert | None:
    """Alert the police about one (purchase identifier, stolen item) pair, once."""
    now = now or utcnow()
    existing = session.scalar(
        select(RegisterAlert).where(
            RegisterAlert.identifier_id == identifier.id, RegisterAlert.stolen_item_id == item.id
        )
    )
    if existing is not None:
        return None
    entry: PurchaseEntry = identifier.entry
    alert = RegisterAlert(
        dealer_id=entry.dealer_id, entry_id=entry.id, identifier_id=identifier.id,
        stolen_item_id=item.id, found=found, created_at=now,
    )  # fmt: skip
    earlier = _earlier_alert(session, entry, item.id)
    if earlier is not None:  # a correction of an entry the police already know about
        alert.theft_report_id, alert.area_report_id = (
            earlier.theft_report_id,
            earlier.area_report_id,
        )
    else:
        theft_unit = item.police_unit_code
        area_unit = entry.dealer.municipality.police_unit_code
        alert.theft_report_id = _report(session, entry, identifier, item, theft_unit, now).id
        if area_unit != theft_unit:
            alert.area_report_id = _report(session, entry, identifier, item, area_unit, now).id
    session.add(alert)
    session.flush()
    return alert


def _earlier_alert(session: Session, entry: PurchaseEntry, item_id: int) -> RegisterAlert | None:
    """An alert on the same stolen item for another entry of the same correction chain."""
    numbers = chain_numbers(session, entry.dealer_id, entry.number) - {entry.number}
    if not numbers:
        return None
    return session.scalar(
        select(RegisterAlert)
        .join(PurchaseEntry, PurchaseEntry.id == RegisterAlert.entry_id)
        .where(
            PurchaseEntry.dealer_id == entry.dealer_id,
            PurchaseEntry.number.in_(numbers),
            RegisterAlert.stolen_item_id == item_id,
        )
        .limit(1)
    )


def chain_numbers(session: Session, dealer_id: int, number: int) -> set[int]:
    """The entry numbers linked to ``number`` by corrections, either way (itself included)."""
    numbers, frontier = {number}, {number}
    for _ in range(50):  # corrections of corrections: a short chain
        up = session.scalars(
            select(PurchaseEntry.corrects_number).where(
                PurchaseEntry.dealer_id == dealer_id,
                PurchaseEntry.number.in_(frontier),
                PurchaseEntry.corrects_number.is_not(None),
            )
        )
        down = session.scalars(
            select(PurchaseEntry.number).where(
                PurchaseEntry.dealer_id == dealer_id, PurchaseEntry.corrects_number.in_(frontier)
            )
        )
        frontier = (set(up) | set(down)) - numbers
        if not frontier:
            break
        numbers |= frontier
    return numbers


def _report(
    session: Session,
    entry: PurchaseEntry,
    identifier: PurchaseIdentifier,
    item: StolenItem,
    unit: str,
    now: datetime,
) -> HitReport:
    """A hit report in the unit's inbox, with a delivery job per channel of the unit.

    The police language is Dutch; the seller's personal data are not copied into the
    report (officers read them in the register, where every look is logged)."""
    dealer = entry.dealer
    what = " ".join(
        x for x in (CATEGORIES.get(entry.category, ("", ""))[0], entry.brand, entry.model) if x
    )
    where = (
        f"Opkopersregister van {dealer.name} (KvK {dealer.kvk}), {dealer.address}, "
        f"{dealer.postcode} {dealer.city} (gemeente {dealer.municipality.name}): "
        f"inkoopregel {entry.number}, verkregen op {_local(entry.acquired_at):%d-%m-%Y %H:%M}."
    )
    remarks = (
        f"Ingekocht: {what}; {entry.colour or '-'}; {entry.description}. "
        f"Prijs {entry.price_cents / 100:.2f} euro ({entry.terms}). "
        f"Nummer zoals de handelaar het vastlegde: {identifier.raw}. "
        f"De handelaar houdt het goed vast voor de politie. "
        f"Contact handelaar: {dealer.email}, {dealer.phone or 'geen telefoon'}."
    )
    report = HitReport(
        public_id=new_public_id(), source="buyer_register", stolen_item_id=item.id,
        police_unit_code=unit, query=identifier.raw[:200], where=where,
        contact_name=dealer.name[:100], contact_email=None,
        contact_phone=(dealer.phone or None) and dealer.phone[:40],
        contact_key=hashlib.sha256(f"dealer:{dealer.id}".encode()).hexdigest(),
        remarks=remarks[:4000], created_at=now, status="queued",
    )  # fmt: skip
    session.add(report)
    session.flush()
    queue_deliveries(session, report, now)
    return report


def _local(moment: datetime) -> datetime:
    """Dutch local time (the register stores UTC; SQLite gives it back naive)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LOCAL)


def held_entry_ids(session: Session, entry_ids: Iterable[int]) -> set[int]:
    """The entries among ``entry_ids`` that are on police hold, directly or because an
    entry of their correction chain is (a corrected good is the same good)."""
    ids = list(entry_ids)
    if not ids:
        return set()
    held = set(
        session.scalars(
            select(RegisterAlert.entry_id).where(
                RegisterAlert.entry_id.in_(ids), RegisterAlert.released_at.is_(None)
            )
        )
    )
    rows = session.execute(
        select(PurchaseEntry.id, PurchaseEntry.dealer_id, PurchaseEntry.number,
               PurchaseEntry.corrects_number).where(PurchaseEntry.id.in_(ids))
    ).all()  # fmt: skip
    corrected = {
        (dealer_id, number)
        for dealer_id, number in session.execute(
            select(PurchaseEntry.dealer_id, PurchaseEntry.corrects_number).where(
                PurchaseEntry.corrects_number.is_not(None),
                PurchaseEntry.dealer_id.in_({r.dealer_id for r in rows}),
                PurchaseEntry.corrects_number.in_({r.number for r in rows}),
            )
        )
    }
    for row in rows:  # only entries in a correction chain need the longer look
        in_chain = row.corrects_number is not None or (row.dealer_id, row.number) in corrected
        if row.id not in held and in_chain and _chain_held(session, row.dealer_id, row.number):
            held.add(row.id)
    return held


def _chain_held(session: Session, dealer_id: int, number: int) -> bool:
    numbers = chain_numbers(session, dealer_id, number)
    found = session.scalar(
        select(RegisterAlert.id)
        .join(PurchaseEntry, PurchaseEntry.id == RegisterAlert.entry_id)
        .where(
            PurchaseEntry.dealer_id == dealer_id,
            PurchaseEntry.number.in_(numbers),
            RegisterAlert.released_at.is_(None),
        )
        .limit(1)
    )
    return found is not None


def alerts_for_unit(session: Session, unit: str) -> list[RegisterAlert]:
    """Open alerts whose reports went to ``unit`` (newest first)."""
    reports = select(HitReport.id).where(HitReport.police_unit_code == unit)
    return list(
        session.scalars(
            select(RegisterAlert)
            .where(
                (RegisterAlert.theft_report_id.in_(reports))
                | (RegisterAlert.area_report_id.in_(reports))
            )
            .order_by(RegisterAlert.id.desc())
            .limit(200)
        )
    )


def alert_for_report(session: Session, report_id: int) -> RegisterAlert | None:
    """The register alert behind a hit report of source buyer_register (or None)."""
    return session.scalar(
        select(RegisterAlert)
        .where(
            (RegisterAlert.theft_report_id == report_id)
            | (RegisterAlert.area_report_id == report_id)
        )
        .order_by(RegisterAlert.id)
        .limit(1)
    )


def release_hold(
    session: Session, alert_id: int, *, unit: str, actor: str, note: str
) -> RegisterAlert:
    """The police release the good (it may be sold again); only a unit that got the alert."""
    alert = session.get(RegisterAlert, alert_id)
    units = set()
    if alert is not None:
        for report_id in (alert.theft_report_id, alert.area_report_id):
            report = session.get(HitReport, report_id) if report_id else None
            if report is not None:
                units.add(report.police_unit_code)
    if alert is None or unit not in units:
        raise NotFound("No such alert.", code="unknown_alert")
    if alert.released_at is None:
        alert.released_at, alert.released_by = utcnow(), actor
        alert.release_note = note.strip()[:2000] or None
    session.flush()
    return alert
