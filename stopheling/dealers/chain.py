"""The registers' numbers and hash chain: the locked head row, the canonical hashes,
verification and the controlled erasure of personal data.

Each entry's hash is SHA-256 over a canonical JSON of the entry that includes the previous
entry's hash. Personal data enter it through a salted digest, so that erasing them after the
retention period leaves every hash verifiable.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session, selectinload, undefer

from .messages import N_
from .models import PurchaseEntry, RegisterHead, SaleEntry


@dataclass(frozen=True, slots=True)
class Broken:
    """The first entry that does not fit its chain, and why (Dutch template + params)."""

    register: str
    number: int
    template: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template % self.params if self.params else self.template


# --- the head: numbers and the chain ----------------------------------------------


def lock_head(session: Session, dealer_id: int, register: str) -> RegisterHead:
    """The register's head row, locked until the transaction ends (created when missing)."""
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":  # take the write lock before reading the head
        session.execute(
            text("UPDATE register_heads SET last_number = last_number WHERE dealer_id = :d"),
            {"d": dealer_id},
        )
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    session.execute(
        insert(RegisterHead)
        .values(dealer_id=dealer_id, register=register, last_number=0, last_hash="")
        .on_conflict_do_nothing()
    )
    return session.scalars(
        select(RegisterHead)
        .where(RegisterHead.dealer_id == dealer_id, RegisterHead.register == register)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _ts(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite gives naive UTC back
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sha(document: Any) -> str:
    canonical = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def seller_digest(entry: PurchaseEntry) -> str:
    birth = entry.seller_birth_date
    return _sha(
        {
            "salt": entry.seller_salt, "surname": entry.seller_surname,
            "first_names": entry.seller_first_names,
            "birth_date": birth.isoformat() if birth else None,
            "birth_place": entry.seller_birth_place, "address": entry.seller_address,
            "id_type": entry.seller_id_type, "id_number": entry.seller_id_number,
            "id_country": entry.seller_id_country,
        }
    )  # fmt: skip


def buyer_digest(entry: SaleEntry) -> str:
    return _sha(
        {"salt": entry.buyer_salt, "name": entry.buyer_name, "address": entry.buyer_address}
    )


def purchase_hash(entry: PurchaseEntry) -> str:
    identifiers = sorted((i.position, i.kind, i.raw) for i in entry.identifiers)
    return _sha(
        {
            "register": "purchase", "dealer": entry.dealer_id, "number": entry.number,
            "prev": entry.prev_hash, "acquired_at": _ts(entry.acquired_at),
            "recorded_at": _ts(entry.recorded_at), "recorded_by": entry.recorded_by,
            "category": entry.category, "brand": entry.brand, "model": entry.model,
            "colour": entry.colour, "description": entry.description,
            "identifiers": [list(i) for i in identifiers], "price_cents": entry.price_cents,
            "terms": entry.terms, "paid_in_cash": bool(entry.paid_in_cash),
            "seller": entry.seller_digest, "photo": entry.photo_sha256,
            "corrects": entry.corrects_number, "correction_reason": entry.correction_reason,
        }
    )  # fmt: skip


def sale_hash(entry: SaleEntry, purchase_number: int) -> str:
    return _sha(
        {
            "register": "sale", "dealer": entry.dealer_id, "number": entry.number,
            "prev": entry.prev_hash, "purchase": purchase_number, "sold_at": _ts(entry.sold_at),
            "recorded_at": _ts(entry.recorded_at), "recorded_by": entry.recorded_by,
            "price_cents": entry.price_cents, "buyer": entry.buyer_digest,
            "corrects": entry.corrects_number, "correction_reason": entry.correction_reason,
        }
    )  # fmt: skip


# --- verification and erasure -------------------------------------------------------


def verify_register(session: Session, dealer_id: int, register: str = "purchase") -> Broken | None:
    """The first entry that does not fit (changed, missing, out of chain), or None."""
    model = PurchaseEntry if register == "purchase" else SaleEntry
    stmt = select(model).where(model.dealer_id == dealer_id).order_by(model.number)
    if model is PurchaseEntry:
        stmt = stmt.options(selectinload(PurchaseEntry.identifiers), undefer(PurchaseEntry.photo))
    else:
        stmt = stmt.options(selectinload(SaleEntry.purchase))
    expected, prev = 1, ""
    result = session.scalars(stmt.execution_options(yield_per=200))
    try:
        for entry in result:
            broken = _misfit(entry, register, expected, prev)
            if broken is not None:
                return broken
            expected, prev = expected + 1, entry.hash
    finally:
        result.close()  # a server-side cursor on PostgreSQL
    head = session.get(RegisterHead, (dealer_id, register))
    if head is not None and (head.last_number != expected - 1 or head.last_hash != prev):
        return Broken(
            register, expected - 1 if head.last_number < expected else expected,
            N_("Het register eindigt niet bij regel %(number)s: regels zijn verwijderd."),
            {"number": head.last_number},
        )  # fmt: skip
    return None


def _misfit(entry: Any, register: str, expected: int, prev: str) -> Broken | None:
    n = entry.number
    if n != expected:
        return Broken(register, expected, N_("Regel %(number)s ontbreekt."), {"number": expected})
    if entry.prev_hash != prev:
        return Broken(
            register, n, N_("Regel %(number)s sluit niet aan op de vorige regel."), {"number": n}
        )
    if isinstance(entry, PurchaseEntry):
        digest_ok = entry.erased_at is not None or seller_digest(entry) == entry.seller_digest
        photo_ok = entry.photo_sha256 == (
            hashlib.sha256(entry.photo).hexdigest() if entry.photo else None
        )
        hash_ok = purchase_hash(entry) == entry.hash
    else:
        digest_ok = entry.erased_at is not None or buyer_digest(entry) == entry.buyer_digest
        photo_ok, hash_ok = True, sale_hash(entry, entry.purchase.number) == entry.hash
    if not (hash_ok and digest_ok and photo_ok):
        return Broken(
            register, n, N_("Regel %(number)s is veranderd na het vastleggen."), {"number": n}
        )
    return None


def erase_purchase_personal_data(session: Session, entry: PurchaseEntry, *, now: datetime) -> None:
    """Blank the seller's data (retention); the digest stays, so the chain still verifies."""
    session.execute(
        update(PurchaseEntry)
        .where(PurchaseEntry.id == entry.id)
        .values(
            seller_surname=None, seller_first_names=None, seller_birth_date=None,
            seller_birth_place=None, seller_address=None, seller_id_type=None,
            seller_id_number=None, seller_id_country=None, seller_salt=None, erased_at=now,
        )
        .execution_options(synchronize_session="fetch")
    )  # fmt: skip


def erase_sale_personal_data(session: Session, entry: SaleEntry, *, now: datetime) -> None:
    session.execute(
        update(SaleEntry)
        .where(SaleEntry.id == entry.id)
        .values(buyer_name=None, buyer_address=None, buyer_salt=None, erased_at=now)
        .execution_options(synchronize_session="fetch")
    )
