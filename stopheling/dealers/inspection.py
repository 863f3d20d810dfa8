"""Inspection of dealers' registers by police officers and BOAs (art. 437 Sr, 552 Sv).

Who may inspect what is decided here and nowhere else: a police officer inspects the
dealers in the municipalities of the officer's unit, a BOA the dealers of its own
municipality, and only while that municipality grants it access (domain.md 4.5). A
dealer outside the area is NotFound, the same as a missing one.

Every read of a seller's or buyer's personal data, and every search, is written to the
audit log with the reason the officer gives, and scoped to the dealer (and so to the
municipality that reviews it; see ``oversight_models.RegisterReadScope``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..accounts.models import AuditLog, User
from ..errors import NotAllowed, NotFound, Unprocessable
from ..reference.models import Municipality
from .models import Dealer, PurchaseEntry, SaleEntry
from .oversight import active_grant
from .oversight_models import RegisterReadScope

PAGE = 50
MAX_RESULTS = 100
MAX_REASON = 200


@dataclass(frozen=True, slots=True)
class Area:
    """The municipalities whose dealers one inspector may inspect."""

    municipalities: tuple[str, ...]


def inspection_area(session: Session, user: User) -> Area:
    """The inspector's area; NotAllowed for a BOA without a grant (or anyone else)."""
    if user.role == "police" and user.police_unit_code:
        codes = session.scalars(
            select(Municipality.code).where(Municipality.police_unit_code == user.police_unit_code)
        )
        return Area(tuple(sorted(codes)))
    if user.role == "boa" and active_grant(session, user) is not None:
        return Area((str(user.municipality_code),))
    raise NotAllowed("No access to the buyer registers.", code="no_register_access")


def dealers_in_area(session: Session, area: Area) -> list[Dealer]:
    """The dealers that trade in the area (rejected notices left out), by municipality."""
    return list(
        session.scalars(
            select(Dealer)
            .where(Dealer.municipality_code.in_(area.municipalities), Dealer.status != "rejected")
            .order_by(Dealer.municipality_code, Dealer.name, Dealer.id)
        )
    )


def get_dealer(session: Session, area: Area, dealer_id: int) -> Dealer:
    dealer = session.get(Dealer, dealer_id)
    if dealer is None or dealer.municipality_code not in area.municipalities:
        raise NotFound("No dealer with this number in your area.", code="unknown_dealer")
    return dealer


def purchases(session: Session, dealer: Dealer, page: int = 1) -> tuple[list[PurchaseEntry], bool]:
    """One page of the purchase register, newest first (no personal data is shown)."""
    stmt = (
        select(PurchaseEntry)
        .where(PurchaseEntry.dealer_id == dealer.id)
        .options(selectinload(PurchaseEntry.identifiers))
        .order_by(PurchaseEntry.number.desc())
    )
    return _page(session, stmt, page)


def sales(session: Session, dealer: Dealer, page: int = 1) -> tuple[list[SaleEntry], bool]:
    stmt = (
        select(SaleEntry)
        .where(SaleEntry.dealer_id == dealer.id)
        .options(selectinload(SaleEntry.purchase))
        .order_by(SaleEntry.number.desc())
    )
    return _page(session, stmt, page)


def _page(session: Session, stmt, page: int):  # type: ignore[no-untyped-def]
    page = max(page, 1)
    rows = list(session.scalars(stmt.offset((page - 1) * PAGE).limit(PAGE + 1)))
    return rows[:PAGE], len(rows) > PAGE


def purchase_entry(session: Session, area: Area, dealer_id: int, number: int) -> PurchaseEntry:
    """One purchase entry of a dealer in the area (its item data; no read is logged)."""
    dealer = get_dealer(session, area, dealer_id)
    entry = session.scalar(
        select(PurchaseEntry).where(
            PurchaseEntry.dealer_id == dealer.id, PurchaseEntry.number == number
        )
    )
    if entry is None:
        raise NotFound("No entry with this number.", code="unknown_entry")
    return entry


def sale_entry(session: Session, area: Area, dealer_id: int, number: int) -> SaleEntry:
    dealer = get_dealer(session, area, dealer_id)
    entry = session.scalar(
        select(SaleEntry).where(SaleEntry.dealer_id == dealer.id, SaleEntry.number == number)
    )
    if entry is None:
        raise NotFound("No entry with this number.", code="unknown_entry")
    return entry


def sales_of(session: Session, entry: PurchaseEntry) -> list[SaleEntry]:
    return list(
        session.scalars(
            select(SaleEntry)
            .where(SaleEntry.purchase_entry_id == entry.id)
            .order_by(SaleEntry.number)
        )
    )


def check_reason(reason: str) -> str:
    """A reason or case reference is required for every look at personal data."""
    reason = " ".join(reason.split())[:MAX_REASON]
    if len(reason) < 3:
        raise Unprocessable(
            "Give the reason or case reference (at least 3 characters).", code="missing_reason"
        )
    return reason


def record_read(
    session: Session, *, actor: str, action: str, dealer: Dealer, subject: str, reason: str
) -> None:
    """Append an audit entry scoped to the dealer's municipality (commits with the request)."""
    session.add(
        RegisterReadScope(
            audit=AuditLog(actor=actor, action=action, subject=subject, reason=reason),
            municipality_code=dealer.municipality_code,
            dealer_id=dealer.id,
        )
    )


def open_purchase(
    session: Session, area: Area, dealer_id: int, number: int, *, actor: str, reason: str
) -> PurchaseEntry:
    """The entry with the seller's personal data; the read is written to the audit log."""
    reason = check_reason(reason)
    entry = purchase_entry(session, area, dealer_id, number)
    record_read(
        session,
        actor=actor,
        action="view_seller",
        dealer=entry.dealer,
        subject=f"purchase:{entry.dealer_id}:{entry.number}",
        reason=reason,
    )
    session.flush()
    return entry


def open_sale(
    session: Session, area: Area, dealer_id: int, number: int, *, actor: str, reason: str
) -> SaleEntry:
    """The sale with the buyer's name and address; the read is written to the audit log."""
    reason = check_reason(reason)
    entry = sale_entry(session, area, dealer_id, number)
    record_read(
        session,
        actor=actor,
        action="view_buyer",
        dealer=entry.dealer,
        subject=f"sale:{entry.dealer_id}:{entry.number}",
        reason=reason,
    )
    session.flush()
    return entry


def id_number_spellings(text: str) -> set[str]:
    """The ways an ID document's number may be stored for what the officer typed: as the
    register stores it (upper case, no spaces) and with only letters and digits."""
    upper = re.sub(r"\s", "", text.upper())
    return {upper, re.sub(r"[^0-9A-Z]", "", upper)} - {""}


def search_identifier(
    session: Session, area: Area, query: str, *, actor: str, reason: str
) -> list[PurchaseEntry]:
    """Purchases in the area whose identifier matches ``query`` in any spelling the matching
    core accepts. The search and each entry found are written to the audit log."""
    from .matching import find_purchases

    reason = check_reason(reason)
    query = query.strip()[:100]
    if not query:
        raise Unprocessable("Type a number to search for.", code="missing_query")
    dealers = [d.id for d in dealers_in_area(session, area)]
    found = find_purchases(session, query, dealer_ids=dealers) if dealers else []
    found = sorted(found, key=lambda e: e.recorded_at, reverse=True)[:MAX_RESULTS]
    _log_search(session, found, actor=actor, action="search_identifier", reason=reason)
    return found


def search_id_document(
    session: Session, area: Area, number: str, *, actor: str, reason: str
) -> list[PurchaseEntry]:
    """Purchases in the area from a seller with this ID-document number (each logged)."""
    reason = check_reason(reason)
    wanted = id_number_spellings(number[:100])
    if not wanted or min(len(w) for w in wanted) < 4:
        raise Unprocessable("Type the ID document's number.", code="missing_query")
    stmt = (
        select(PurchaseEntry)
        .join(Dealer, Dealer.id == PurchaseEntry.dealer_id)
        .where(
            PurchaseEntry.seller_id_number.in_(sorted(wanted)),
            Dealer.municipality_code.in_(area.municipalities),
        )
        .options(selectinload(PurchaseEntry.identifiers))
        .order_by(PurchaseEntry.recorded_at.desc())
        .limit(MAX_RESULTS)
    )
    found = list(session.scalars(stmt))
    _log_search(session, found, actor=actor, action="search_seller_id", reason=reason)
    return found


def _log_search(
    session: Session, found: list[PurchaseEntry], *, actor: str, action: str, reason: str
) -> None:
    """One audit entry per entry shown; a search that found nothing is logged too."""
    if not found:
        session.add(AuditLog(actor=actor, action=action, subject="register:none", reason=reason))
    for entry in found:
        record_read(
            session,
            actor=actor,
            action=action,
            dealer=entry.dealer,
            subject=f"purchase:{entry.dealer_id}:{entry.number}",
            reason=reason,
        )
    session.flush()


@dataclass(frozen=True, slots=True)
class Verification:
    register: str
    entries: int
    broken: Any  # dealers.register.Broken, or None when the chain is intact


def verify(session: Session, area: Area, dealer_id: int) -> list[Verification]:
    """Verify the hash chains of the dealer's purchase and sales registers."""
    from .register import verify_register

    dealer = get_dealer(session, area, dealer_id)
    results = []
    for register, model in (("purchase", PurchaseEntry), ("sale", SaleEntry)):
        count = session.scalar(
            select(func.count()).select_from(model).where(model.dealer_id == dealer.id)
        )
        broken = verify_register(session, dealer.id, register)
        results.append(Verification(register=register, entries=int(count or 0), broken=broken))
    return results
