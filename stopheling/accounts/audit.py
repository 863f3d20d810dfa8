"""Write the audit log: every view of a reporter's personal data is recorded."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .models import AuditLog


def record(session: Session, *, actor: str, action: str, subject: str, reason: str) -> None:
    """Append one entry; it commits with the request that showed the data."""
    session.add(AuditLog(actor=actor, action=action, subject=subject, reason=reason))
