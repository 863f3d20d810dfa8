"""Accounts: API tokens, people who log in (users with one role) and the audit log.

Only a SHA-256 hash of a token is stored; the token itself is shown once. Passwords are
stored as scrypt hashes. The audit log is append-only: the ORM refuses to change or
delete a row (see ``_refuse_change``), so protocolling cannot be edited away by the app.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..stolen.models import utcnow

TOKEN_KINDS = ("police", "app", "dealer")
# One role per person. Citizens keep a vault, dealers and municipalities use the buyer
# register, BOAs and police officers inspect, administrators run the service.
ROLES = ("citizen", "dealer", "municipality", "boa", "police", "admin")


class ApiToken(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("kind IN ('police', 'app', 'dealer')", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    label: Mapped[str] = mapped_column(String(100), default="")
    police_unit_code: Mapped[str | None] = mapped_column(ForeignKey("police_units.code"))
    dealer_id: Mapped[int | None] = mapped_column(ForeignKey("dealers.id"))  # kind 'dealer'
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    police_unit = relationship("PoliceUnit")


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    """A person who logs in. A police officer belongs to exactly one unit, a municipality
    official to one municipality; the check constraints keep that true in the database."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN ({', '.join(repr(r) for r in ROLES)})", name="role"),
        CheckConstraint("role <> 'police' OR police_unit_code IS NOT NULL", name="police_unit"),
        CheckConstraint(
            "role <> 'municipality' OR municipality_code IS NOT NULL", name="municipality"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(12))
    police_unit_code: Mapped[str | None] = mapped_column(ForeignKey("police_units.code"))
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipalities.code"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Residents confirm their address by mail before their vault opens (issue 4).
    email_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A dealer's employee works in that business's registers (issue 6).
    dealer_id: Mapped[int | None] = mapped_column(ForeignKey("dealers.id"))

    police_unit = relationship("PoliceUnit")

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return bool(self.active)

    @property
    def actor(self) -> str:
        """How this person is named in histories and the audit log."""
        return f"user:{self.id}"


class AuditLog(db.Model):  # type: ignore[name-defined,misc]
    """Who saw or did what, when and why (protocolling of personal data; append-only)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(100), index=True)
    reason: Mapped[str] = mapped_column(Text)


@event.listens_for(AuditLog, "before_update")
@event.listens_for(AuditLog, "before_delete")
def _refuse_change(_mapper: Any, _connection: Any, _target: AuditLog) -> None:
    raise RuntimeError("The audit log is append-only.")
