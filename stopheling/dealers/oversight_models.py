"""Municipal oversight of the buyer register: BOAs' register access and the read log scope.

A municipality grants register access per BOA (domain.md 4.5: a BOA may inspect only when
its appointment covers art. 437-437ter Sr). A grant is never deleted: revoking it sets
``revoked_at``, so the municipality can always tell who could inspect when.

Every read of a seller's (or buyer's) personal data is an ``AuditLog`` row; a
``RegisterReadScope`` row says which dealer, and so which municipality, it concerned, so
that the municipality can review the reads of its dealers' registers with an index.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..stolen.models import utcnow


class RegisterGrant(db.Model):  # type: ignore[name-defined,misc]
    """A municipality lets one BOA inspect its dealers' registers (until revoked)."""

    __tablename__ = "register_grants"
    __table_args__ = (Index("ix_register_grants_user_active", "user_id", "revoked_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The BOA's enforcement domain and the appointment (akte) that covers art. 437 Sr.
    domain: Mapped[str] = mapped_column(String(60), default="")
    basis: Mapped[str] = mapped_column(Text, default="")
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    granted_by: Mapped[str] = mapped_column(String(100))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(100))

    user = relationship("User")

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class RegisterReadScope(db.Model):  # type: ignore[name-defined,misc]
    """Which dealer (and municipality) one audit-log row concerns."""

    __tablename__ = "register_read_scopes"
    __table_args__ = (
        Index("ix_register_read_scopes_municipality", "municipality_code", "audit_id"),
    )

    audit_id: Mapped[int] = mapped_column(ForeignKey("audit_log.id"), primary_key=True)
    municipality_code: Mapped[str] = mapped_column(ForeignKey("municipalities.code"))
    dealer_id: Mapped[int] = mapped_column(ForeignKey("dealers.id"), index=True)

    audit = relationship("AuditLog")
