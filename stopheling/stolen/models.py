"""The stolen-goods register.

Each item stores, beside what the police recorded, the keys that the matching core
derives from the identifier (stopheling.matching.index), so that every lookup is an
index lookup. ``case_ref`` is private: it never leaves the police side.
"""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..matching import KINDS

STATUSES = ("stolen", "recovered", "withdrawn")


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_ref() -> str:
    """An opaque, stable, unguessable public id (80 random bits, 16 base32 characters)."""
    return base64.b32encode(secrets.token_bytes(10)).decode("ascii").lower()


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class StolenItem(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "stolen_items"
    __table_args__ = (
        UniqueConstraint("police_unit_code", "source_id", name="uq_stolen_items_unit_source"),
        CheckConstraint(f"kind IN {_in(KINDS)}", name="kind"),
        CheckConstraint(f"status IN {_in(STATUSES)}", name="status"),
        Index("ix_stolen_items_match", "kind", "match_key"),
        Index("ix_stolen_items_order", "kind", "order_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ref: Mapped[str] = mapped_column(String(16), unique=True, default=new_ref)
    police_unit_code: Mapped[str] = mapped_column(ForeignKey("police_units.code"))
    source_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    identifier: Mapped[str] = mapped_column(String(200))
    normalized: Mapped[str] = mapped_column(String(200))
    # Matching keys (see stopheling.matching.index); key and segments rebuild the
    # identifier for the rules without parsing the raw text again.
    key: Mapped[str] = mapped_column(String(200))
    segments: Mapped[str] = mapped_column(String(220), default="")
    match_key: Mapped[str] = mapped_column(String(210))
    order_key: Mapped[str | None] = mapped_column(String(220))
    status: Mapped[str] = mapped_column(String(12), default="stolen")
    category: Mapped[str | None] = mapped_column(String(40))
    brand: Mapped[str | None] = mapped_column(String(100))
    model: Mapped[str | None] = mapped_column(String(100))
    colour: Mapped[str | None] = mapped_column(String(60))
    description: Mapped[str | None] = mapped_column(Text)
    case_ref: Mapped[str | None] = mapped_column(String(100))
    reported_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    police_unit = relationship("PoliceUnit", lazy="joined")
    events = relationship(
        "StolenItemEvent", order_by="StolenItemEvent.id", back_populates="item",
        cascade="all, delete-orphan", passive_deletes=True,
    )  # fmt: skip


class StolenItemEvent(db.Model):  # type: ignore[name-defined,misc]
    """The item's history: created, updated, status changes; append-only."""

    __tablename__ = "stolen_item_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("stolen_items.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    action: Mapped[str] = mapped_column(String(20))  # created / updated / status
    status: Mapped[str] = mapped_column(String(12))
    actor: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)

    item = relationship("StolenItem", back_populates="events")


class StolenNearPiece(db.Model):  # type: ignore[name-defined,misc]
    """One piece of an item's key for N-edit candidates (stopheling.matching.index)."""

    __tablename__ = "stolen_near_pieces"
    __table_args__ = {"sqlite_with_rowid": False}

    piece: Mapped[str] = mapped_column(String(40), primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("stolen_items.id", ondelete="CASCADE"), primary_key=True, index=True
    )
