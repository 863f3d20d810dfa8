"""The buyer register: dealers, their purchase and sales registers, municipal settings.

A register entry is written once and never updated, with two controlled exceptions that
stay outside the hash chain: the erasure of the personal data after the retention period
(``erased_at`` and the personal columns; their digest stays in the chain) and the police
hold, which lives in ``RegisterAlert``. ``RegisterHead`` holds each register's last number
and hash: locking that row serializes the writers of one register, so that numbers are
gap-free and the chain has no forks.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..stolen.models import utcnow

DEALER_STATUSES = ("pending", "approved", "rejected", "suspended")
TERMS = ("purchase", "exchange", "trade_in", "voucher", "gift")
ID_TYPES = ("passport", "id_card", "driving_licence", "residence_permit", "other")
HOLD_UNITS = ("days", "working_days")
REGISTERS = ("purchase", "sale")
ALERT_FOUND = ("recording", "retro")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class Dealer(db.Model):  # type: ignore[name-defined,misc]
    """A business that buys used goods, in one municipality (its notice under art. 437ter)."""

    __tablename__ = "dealers"
    __table_args__ = (
        CheckConstraint(f"status IN {_in(DEALER_STATUSES)}", name="status"),
        UniqueConstraint("kvk", "municipality_code", name="uq_dealers_kvk_municipality"),
        Index("ix_dealers_municipality_status", "municipality_code", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kvk: Mapped[str] = mapped_column(String(8))  # Chamber of Commerce number, 8 digits
    address: Mapped[str] = mapped_column(String(200))  # street and number
    postcode: Mapped[str] = mapped_column(String(10))
    city: Mapped[str] = mapped_column(String(100))
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"))
    categories: Mapped[str] = mapped_column(String(400))  # comma-separated CATEGORIES codes
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(40), default="")
    starts_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(100))  # actor, e.g. user:12
    decision_note: Mapped[str | None] = mapped_column(Text)

    municipality = relationship("Municipality", lazy="joined")

    @property
    def category_codes(self) -> list[str]:
        return [c for c in self.categories.split(",") if c]


class MunicipalityRegisterSettings(db.Model):  # type: ignore[name-defined,misc]
    """A municipality's register rules (APV). No row: the defaults of dealers.rules."""

    __tablename__ = "municipality_register_settings"
    __table_args__ = (
        CheckConstraint(f"hold_unit IN {_in(HOLD_UNITS)}", name="hold_unit"),
        CheckConstraint("hold_period >= 0 AND hold_period <= 60", name="hold_period"),
    )

    municipality_code: Mapped[str] = mapped_column(
        ForeignKey("municipalities.code"), primary_key=True
    )
    hold_period: Mapped[int] = mapped_column(Integer, default=5)
    hold_unit: Mapped[str] = mapped_column(String(12), default="days")
    sales_register_required: Mapped[bool] = mapped_column(Boolean, default=True)
    id_required_for_all_sellers: Mapped[bool] = mapped_column(Boolean, default=False)
    photo_required_without_number: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100), default="")


class RegisterHead(db.Model):  # type: ignore[name-defined,misc]
    """The last number and hash of one register of one dealer (locked while appending)."""

    __tablename__ = "register_heads"
    __table_args__ = (CheckConstraint(f"register IN {_in(REGISTERS)}", name="register"),)

    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealers.id"), primary_key=True)
    register: Mapped[str] = mapped_column(String(10), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default="")


class PurchaseEntry(db.Model):  # type: ignore[name-defined,misc]
    """One line of the purchase register (Uitvoeringsbesluit art. 2(2) a-f, art. 437 Sr).

    The seller's personal data enter the hash through ``seller_digest`` (salted), so that
    blanking them after the retention period leaves the chain verifiable."""

    __tablename__ = "purchase_entries"
    __table_args__ = (
        UniqueConstraint("dealer_id", "number", name="uq_purchase_entries_dealer_number"),
        UniqueConstraint("dealer_id", "client_key", name="uq_purchase_entries_dealer_client_key"),
        CheckConstraint(f"terms IN {_in(TERMS)}", name="terms"),
        CheckConstraint("price_cents >= 0", name="price"),
        Index("ix_purchase_entries_recorded", "recorded_at"),
        Index("ix_purchase_entries_seller_id", "seller_id_number"),
        Index("ix_purchase_entries_corrects", "dealer_id", "corrects_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealers.id"))
    number: Mapped[int] = mapped_column(Integer)
    acquired_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(100))  # user:N or token:N
    category: Mapped[str] = mapped_column(String(40))
    brand: Mapped[str] = mapped_column(String(100), default="")
    model: Mapped[str] = mapped_column(String(100), default="")
    colour: Mapped[str] = mapped_column(String(60), default="")
    description: Mapped[str] = mapped_column(Text)
    price_cents: Mapped[int] = mapped_column(Integer)
    terms: Mapped[str] = mapped_column(String(12))
    paid_in_cash: Mapped[bool] = mapped_column(Boolean, default=False)
    # Seller (art. 435 4° Sr elements; never a BSN). NULL after erasure.
    seller_surname: Mapped[str | None] = mapped_column(String(100))
    seller_first_names: Mapped[str | None] = mapped_column(String(150))
    seller_birth_date: Mapped[date | None] = mapped_column(Date)
    seller_birth_place: Mapped[str | None] = mapped_column(String(100))
    seller_address: Mapped[str | None] = mapped_column(String(300))
    seller_id_type: Mapped[str | None] = mapped_column(String(20))
    seller_id_number: Mapped[str | None] = mapped_column(String(40))
    seller_id_country: Mapped[str | None] = mapped_column(String(3))
    seller_salt: Mapped[str | None] = mapped_column(String(32))
    seller_digest: Mapped[str] = mapped_column(String(64))
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    photo_type: Mapped[str | None] = mapped_column(String(40))
    photo_sha256: Mapped[str | None] = mapped_column(String(64))
    corrects_number: Mapped[int | None] = mapped_column(Integer)
    correction_reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The shop software's Idempotency-Key: a retried POST returns this entry (not hashed).
    client_key: Mapped[str | None] = mapped_column(String(100))

    dealer = relationship("Dealer")
    identifiers = relationship(
        "PurchaseIdentifier", order_by="PurchaseIdentifier.position", back_populates="entry"
    )


class PurchaseIdentifier(db.Model):  # type: ignore[name-defined,misc]
    """A number of a purchased good, with the matching core's keys (as stolen_items has)."""

    __tablename__ = "purchase_identifiers"
    __table_args__ = (Index("ix_purchase_identifiers_match", "kind", "match_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("purchase_entries.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(10))
    raw: Mapped[str] = mapped_column(String(200))
    normalized: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(200))
    segments: Mapped[str] = mapped_column(String(220), default="")
    match_key: Mapped[str] = mapped_column(String(210))

    entry = relationship("PurchaseEntry", back_populates="identifiers")


class SaleEntry(db.Model):  # type: ignore[name-defined,misc]
    """One line of the sales register (APV art. 2:67), linked to the purchase entry."""

    __tablename__ = "sale_entries"
    __table_args__ = (
        UniqueConstraint("dealer_id", "number", name="uq_sale_entries_dealer_number"),
        UniqueConstraint("dealer_id", "client_key", name="uq_sale_entries_dealer_client_key"),
        CheckConstraint("price_cents >= 0", name="price"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealers.id"))
    number: Mapped[int] = mapped_column(Integer)
    purchase_entry_id: Mapped[int] = mapped_column(ForeignKey("purchase_entries.id"), index=True)
    sold_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(100))
    price_cents: Mapped[int] = mapped_column(Integer)
    buyer_name: Mapped[str | None] = mapped_column(String(200))  # NULL after erasure
    buyer_address: Mapped[str | None] = mapped_column(String(300))
    buyer_salt: Mapped[str | None] = mapped_column(String(32))
    buyer_digest: Mapped[str] = mapped_column(String(64))
    corrects_number: Mapped[int | None] = mapped_column(Integer)
    correction_reason: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The shop software's Idempotency-Key: a retried POST returns this entry (not hashed).
    client_key: Mapped[str | None] = mapped_column(String(100))

    dealer = relationship("Dealer")
    purchase = relationship("PurchaseEntry")


class RegisterAlert(db.Model):  # type: ignore[name-defined,misc]
    """A purchase identifier that matches a stolen item: the police are told (hit reports
    with source 'buyer_register') and the item is on hold until the police release it."""

    __tablename__ = "register_alerts"
    __table_args__ = (
        CheckConstraint(f"found IN {_in(ALERT_FOUND)}", name="found"),
        UniqueConstraint("identifier_id", "stolen_item_id", name="uq_register_alerts_pair"),
        Index("ix_register_alerts_entry", "entry_id", "released_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealers.id"), index=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("purchase_entries.id"))
    identifier_id: Mapped[int] = mapped_column(ForeignKey("purchase_identifiers.id"))
    stolen_item_id: Mapped[int] = mapped_column(ForeignKey("stolen_items.id"), index=True)
    found: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The unit that recorded the theft, and the unit of the dealer's municipality (NULL
    # when it is the same unit): one hit report each, delivered through the outbox.
    theft_report_id: Mapped[int | None] = mapped_column(ForeignKey("hit_reports.id"))
    area_report_id: Mapped[int | None] = mapped_column(ForeignKey("hit_reports.id"))
    released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    released_by: Mapped[str | None] = mapped_column(String(100))
    release_note: Mapped[str | None] = mapped_column(Text)

    entry = relationship("PurchaseEntry")
    identifier = relationship("PurchaseIdentifier")
    stolen_item = relationship("StolenItem")


class RetroMatchCursor(db.Model):  # type: ignore[name-defined,misc]
    """How far the worker has matched new stolen-item events against the registers.

    One row (id 1). ``pending_*`` is a horizon waiting for the PostgreSQL transactions that
    were writing events when it was seen to finish (see dealers.matching)."""

    __tablename__ = "retro_match_cursor"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_event_id: Mapped[int] = mapped_column(BigInteger, default=0)
    pending_event_id: Mapped[int | None] = mapped_column(BigInteger)
    pending_holders: Mapped[str | None] = mapped_column(Text)  # PostgreSQL transactions
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
