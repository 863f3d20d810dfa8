"""The registers as JSON documents (API) and as CSV rows (the dealer's own export)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from .models import PurchaseEntry, SaleEntry


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite gives naive UTC back
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def identifiers(entry: PurchaseEntry) -> list[dict[str, Any]]:
    """One per number as written; a number read as several kinds is listed once per kind."""
    return [{"kind": i.kind, "identifier": i.raw, "normalized": i.normalized}
            for i in entry.identifiers]  # fmt: skip


def purchase_document(entry: PurchaseEntry, *, held: bool, with_seller: bool) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "number": entry.number, "acquired_at": iso(entry.acquired_at),
        "recorded_at": iso(entry.recorded_at), "category": entry.category,
        "brand": entry.brand or None, "model": entry.model or None,
        "colour": entry.colour or None, "description": entry.description,
        "identifiers": identifiers(entry), "price_cents": entry.price_cents,
        "terms": entry.terms, "paid_in_cash": bool(entry.paid_in_cash),
        "has_photo": entry.photo_type is not None, "corrects_number": entry.corrects_number,
        "correction_reason": entry.correction_reason, "hash": entry.hash,
        "police_hold": held,
    }  # fmt: skip
    if with_seller:
        doc["seller"] = None if entry.erased_at else {
            "surname": entry.seller_surname, "first_names": entry.seller_first_names,
            "birth_date": entry.seller_birth_date.isoformat() if entry.seller_birth_date else None,
            "birth_place": entry.seller_birth_place, "address": entry.seller_address,
            "id_document": None if not entry.seller_id_number else {
                "type": entry.seller_id_type, "number": entry.seller_id_number,
                "country": entry.seller_id_country,
            },
        }  # fmt: skip
    return doc


def sale_document(entry: SaleEntry, *, with_buyer: bool) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "number": entry.number, "purchase_number": entry.purchase.number,
        "sold_at": iso(entry.sold_at), "recorded_at": iso(entry.recorded_at),
        "price_cents": entry.price_cents, "corrects_number": entry.corrects_number,
        "correction_reason": entry.correction_reason, "hash": entry.hash,
    }  # fmt: skip
    if with_buyer:
        doc["buyer"] = None if entry.erased_at else {
            "name": entry.buyer_name, "address": entry.buyer_address,
        }  # fmt: skip
    return doc


def _safe(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


PURCHASE_COLUMNS = (
    "volgnummer", "datum_verkrijging", "vastgelegd_op", "soort", "merk", "type", "kleur",
    "omschrijving", "nummers", "prijs_euro", "voorwaarden", "contant", "achternaam",
    "voornamen", "geboortedatum", "geboorteplaats", "adres", "id_soort", "id_nummer",
    "id_land", "corrigeert", "reden_correctie", "hash",
)  # fmt: skip
SALE_COLUMNS = (
    "volgnummer", "inkoopnummer", "datum_verkoop", "vastgelegd_op", "prijs_euro", "koper",
    "adres_koper", "corrigeert", "reden_correctie", "hash",
)  # fmt: skip


def purchase_rows(session: Session, dealer_id: int) -> Iterator[list[str]]:
    yield list(PURCHASE_COLUMNS)
    stmt = (
        select(PurchaseEntry).where(PurchaseEntry.dealer_id == dealer_id)
        .options(selectinload(PurchaseEntry.identifiers)).order_by(PurchaseEntry.number)
    )  # fmt: skip
    for e in session.scalars(stmt):
        numbers = " | ".join(dict.fromkeys(i.raw for i in e.identifiers))
        values = [
            e.number, iso(e.acquired_at), iso(e.recorded_at), e.category, e.brand, e.model,
            e.colour, e.description, numbers, f"{e.price_cents / 100:.2f}", e.terms,
            "ja" if e.paid_in_cash else "nee", e.seller_surname, e.seller_first_names,
            e.seller_birth_date.isoformat() if e.seller_birth_date else "", e.seller_birth_place,
            e.seller_address, e.seller_id_type, e.seller_id_number, e.seller_id_country,
            e.corrects_number, e.correction_reason, e.hash,
        ]  # fmt: skip
        yield [_safe(v) for v in values]


def sale_rows(session: Session, dealer_id: int) -> Iterator[list[str]]:
    yield list(SALE_COLUMNS)
    stmt = (
        select(SaleEntry).where(SaleEntry.dealer_id == dealer_id)
        .options(selectinload(SaleEntry.purchase)).order_by(SaleEntry.number)
    )  # fmt: skip
    for e in session.scalars(stmt):
        values = [
            e.number, e.purchase.number, iso(e.sold_at), iso(e.recorded_at),
            f"{e.price_cents / 100:.2f}", e.buyer_name, e.buyer_address, e.corrects_number,
            e.correction_reason, e.hash,
        ]  # fmt: skip
        yield [_safe(v) for v in values]
