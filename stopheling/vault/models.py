"""The vault's tables: a resident's items, their identifiers (encrypted) and their files.

Identifier values are never stored in plain text: ``value`` holds the AES-GCM ciphertext
of what the owner typed and its normalized forms, ``lookup`` a keyed hash for equality
searches (see crypto.py). Files live on disk under random names; a row holds the name.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..stolen.models import utcnow

FILE_ROLES = ("photo", "receipt")


class VaultItem(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "vault_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    category: Mapped[str] = mapped_column(String(30), default="overig")
    brand: Mapped[str] = mapped_column(String(100), default="")
    model: Mapped[str] = mapped_column(String(100), default="")
    colour: Mapped[str] = mapped_column(String(60), default="")
    marks: Mapped[str] = mapped_column(Text, default="")
    purchase_date: Mapped[date | None] = mapped_column(Date)
    price_cents: Mapped[int | None] = mapped_column(Integer)
    shop: Mapped[str] = mapped_column(String(100), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    # After a theft: when, where, how; the police's case number once there is one.
    stolen_on: Mapped[date | None] = mapped_column(Date)
    stolen_place: Mapped[str] = mapped_column(String(200), default="")
    stolen_how: Mapped[str] = mapped_column(Text, default="")
    police_case: Mapped[str] = mapped_column(String(60), default="")

    identifiers: Mapped[list[VaultIdentifier]] = relationship(
        back_populates="item",
        cascade="all, delete-orphan",
        order_by="VaultIdentifier.position",
        passive_deletes=True,
    )
    files: Mapped[list[VaultFile]] = relationship(
        back_populates="item",
        cascade="all, delete-orphan",
        order_by="VaultFile.id",
        passive_deletes=True,
    )

    @property
    def stolen(self) -> bool:
        return self.stolen_on is not None

    @property
    def title(self) -> str:
        return " ".join(part for part in (self.brand, self.model) if part)


class VaultIdentifier(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "vault_identifiers"
    __table_args__ = (
        CheckConstraint("kind IN ('serial', 'imei', 'frame', 'plate', 'vin')", name="kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("vault_items.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[bytes] = mapped_column(LargeBinary)
    lookup: Mapped[str] = mapped_column(String(64), index=True)

    item: Mapped[VaultItem] = relationship(back_populates="identifiers")


class VaultFile(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "vault_files"
    __table_args__ = (CheckConstraint("role IN ('photo', 'receipt')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("vault_items.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(10))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    item: Mapped[VaultItem] = relationship(back_populates="files")
