"""The sales register (APV art. 2:67): a sale of a purchased good, refused while the good
is held for the police, within the municipality's hold period, or when already sold."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..stolen.models import utcnow
from .chain import buyer_digest, lock_head, sale_hash
from .messages import N_, RegisterRefused
from .models import Dealer, PurchaseEntry, SaleEntry
from .register import (
    _correction,
    _missing,
    _moment,
    _price,
    _required,
    by_client_key,
    purchase_by_number,
    require_approved,
)
from .rules import rules_for, sellable_from


@dataclass(frozen=True, slots=True)
class SaleInput:
    purchase_number: int | None
    sold_at: datetime | None
    price_cents: int | None
    buyer_name: str
    buyer_address: str
    corrects_number: int | None = None
    correction_reason: str = ""


def record_sale(
    session: Session, dealer: Dealer, data: SaleInput, *, actor: str,
    now: datetime | None = None, client_key: str | None = None,
) -> SaleEntry:  # fmt: skip
    """Check and store one sale. Refused while the good is on police hold or within the
    municipality's hold period (the message says until when), or when already sold.
    ``client_key`` works as for record_purchase."""
    from .alerts import held_entry_ids

    now = (now or utcnow()).astimezone(UTC).replace(microsecond=0)
    require_approved(dealer)
    if data.purchase_number is None:
        raise _missing("purchase_number")
    purchase = purchase_by_number(session, dealer.id, data.purchase_number)
    sold_at = _moment(data.sold_at, "sold_at", now)
    price = _price(data.price_cents)
    buyer_name = _required(data.buyer_name, "buyer_name", 200)
    buyer_address = _required(data.buyer_address, "buyer_address", 300)
    corrects, reason = _correction(
        session, SaleEntry, dealer.id, data.corrects_number, data.correction_reason
    )
    head = lock_head(session, dealer.id, "sale")  # checks below see every earlier sale
    if client_key and (earlier := by_client_key(session, SaleEntry, dealer.id, client_key)):
        return earlier  # type: ignore[no-any-return]
    _check_sellable(session, dealer, purchase, sold_at, now, corrects, held_entry_ids)
    entry = SaleEntry(
        dealer_id=dealer.id, number=head.last_number + 1, purchase_entry_id=purchase.id,
        sold_at=sold_at, recorded_at=now, recorded_by=actor, price_cents=price,
        buyer_name=buyer_name, buyer_address=buyer_address, buyer_salt=secrets.token_hex(16),
        corrects_number=corrects, correction_reason=reason, prev_hash=head.last_hash,
        client_key=client_key or None,
    )  # fmt: skip
    entry.buyer_digest = buyer_digest(entry)
    entry.hash = sale_hash(entry, purchase.number)
    head.last_number, head.last_hash = entry.number, entry.hash
    session.add(entry)
    session.flush()
    return entry


def _check_sellable(
    session: Session, dealer: Dealer, purchase: PurchaseEntry, sold_at: datetime,
    now: datetime, corrects: int | None, held_entry_ids: Any,
) -> None:  # fmt: skip
    if held_entry_ids(session, [purchase.id]):
        raise RegisterRefused(
            N_(
                "U mag dit goed (inkoopnummer %(number)s) niet verkopen: bewaar het voor de "
                "politie en neem contact op met de politie."
            ),
            code="police_hold", field="purchase_number", number=purchase.number,
        )  # fmt: skip
    later = session.scalar(
        select(PurchaseEntry.number).where(
            PurchaseEntry.dealer_id == dealer.id, PurchaseEntry.corrects_number == purchase.number
        )
    )
    if later is not None:
        raise RegisterRefused(
            N_("Inkoopnummer %(number)s is gecorrigeerd door regel %(later)s: verkoop die."),
            code="corrected_entry", field="purchase_number", number=purchase.number, later=later,
        )  # fmt: skip
    rules = rules_for(session, dealer.municipality_code)
    free = sellable_from(purchase.acquired_at, purchase.recorded_at, rules)
    if sold_at < free or now < free:
        last = (free - timedelta(days=1)).date()
        raise RegisterRefused(
            N_(
                "U mag dit goed nog niet verkopen: de bewaartermijn van uw gemeente loopt tot "
                "en met %(until)s. Verkopen mag vanaf %(from)s."
            ),
            code="hold_period", field="sold_at", until=last.strftime("%d-%m-%Y"),
            **{"from": free.date().strftime("%d-%m-%Y")},
        )  # fmt: skip
    earlier = session.scalars(
        select(SaleEntry).where(
            SaleEntry.dealer_id == dealer.id, SaleEntry.purchase_entry_id == purchase.id
        )
    ).all()
    corrected = {s.corrects_number for s in earlier if s.corrects_number}
    live = [s for s in earlier if s.number not in corrected and s.number != corrects]
    if live:
        raise RegisterRefused(
            N_("Inkoopnummer %(number)s is al verkocht (verkoopnummer %(sale)s)."),
            code="already_sold", field="purchase_number", number=purchase.number,
            sale=live[0].number,
        )  # fmt: skip
