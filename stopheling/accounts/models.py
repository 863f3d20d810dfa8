"""API tokens: police systems and apps authenticate with a bearer token or app key.

Only a SHA-256 hash of a token is stored; the token itself is shown once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..stolen.models import utcnow

TOKEN_KINDS = ("police", "app")


class ApiToken(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("kind IN ('police', 'app')", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    label: Mapped[str] = mapped_column(String(100), default="")
    police_unit_code: Mapped[str | None] = mapped_column(ForeignKey("police_units.code"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    police_unit = relationship("PoliceUnit")
