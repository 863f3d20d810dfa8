"""Create and verify API tokens."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InvalidInput, NotFound
from ..reference.models import PoliceUnit
from .models import ApiToken


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    session: Session,
    *,
    kind: str,
    police_unit: str | None = None,
    label: str = "",
    dealer_id: int | None = None,
) -> str:
    """Store a new token's hash and return the token (shown once, never stored)."""
    if kind == "police" and (police_unit is None or session.get(PoliceUnit, police_unit) is None):
        raise InvalidInput(f"Unknown police unit: {police_unit!r}.", code="unknown_police_unit")
    if kind == "dealer" and dealer_id is None:
        raise InvalidInput("A dealer token belongs to a dealer.", code="unknown_dealer")
    if len(label) > 100:
        raise InvalidInput("The label is longer than 100 characters.", code="label_too_long")
    prefix = {"police": "shp", "app": "sha", "dealer": "shd"}[kind]
    token = f"{prefix}_{secrets.token_urlsafe(32)}"
    session.add(
        ApiToken(
            token_hash=hash_token(token),
            kind=kind,
            police_unit_code=police_unit,
            label=label,
            dealer_id=dealer_id if kind == "dealer" else None,
        )
    )
    session.flush()
    return token


def find_token(session: Session, token: str | None, kind: str) -> ApiToken | None:
    """The active token of ``kind`` for ``token``, or None."""
    if not token or len(token) > 200:
        return None
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if row is None or row.kind != kind or row.revoked_at is not None:
        return None
    return row


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.id.desc())))


def revoke_token(session: Session, token_id: int) -> ApiToken:
    """Revoke at once; the row stays, so that histories naming token:<id> keep their meaning."""
    from ..stolen.models import utcnow

    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound("No such token.", code="unknown_token")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    session.flush()
    return row
