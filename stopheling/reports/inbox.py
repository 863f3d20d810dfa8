"""The unit's inbox: every report lands here, whatever the delivery channels do.

Permissions live here (ARCHITECTURE.md §10): a report of another unit is NotFound, the
same answer as a missing one, so an officer cannot probe other units' work.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.audit import record
from ..errors import NotFound, Unprocessable
from ..stolen.models import utcnow
from .models import REPORT_STATUSES, HitReport

INBOX_LIMIT = 200


def list_inbox(session: Session, unit: str, status: str | None = None) -> list[HitReport]:
    """The unit's reports, newest first; ``status`` filters (open = not yet closed)."""
    stmt = select(HitReport).where(HitReport.police_unit_code == unit)
    if status == "open":
        stmt = stmt.where(HitReport.status != "closed")
    elif status in REPORT_STATUSES:
        stmt = stmt.where(HitReport.status == status)
    return list(session.scalars(stmt.order_by(HitReport.id.desc()).limit(INBOX_LIMIT)))


def get_report(session: Session, report_id: int, unit: str) -> HitReport:
    report = session.get(HitReport, report_id)
    if report is None or report.police_unit_code != unit:
        raise NotFound("No report with this number.", code="unknown_report")
    return report


def open_report(session: Session, report_id: int, *, unit: str, actor: str) -> HitReport:
    """The report with the reporter's personal data; the view is written to the audit log."""
    report = get_report(session, report_id, unit)
    record(
        session,
        actor=actor,
        action="view_reporter",
        subject=f"hit_report:{report.public_id}",
        reason="afhandeling melding (Wpg)",
    )
    return report


def acknowledge(session: Session, report: HitReport, *, actor: str) -> HitReport:
    """The unit has seen the report; the citizen's status page shows it."""
    if report.status == "closed":
        raise Unprocessable("This report is closed.", code="report_closed")
    if report.acknowledged_at is None:
        report.status, report.acknowledged_at, report.acknowledged_by = (
            "acknowledged",
            utcnow(),
            actor,
        )
    session.flush()
    return report


MAX_NOTE = 2000  # a close note; longer is refused, never cut


def close(session: Session, report: HitReport, *, actor: str, note: str) -> HitReport:
    """Close with a note for the unit (the citizen sees that it is closed, not the note)."""
    if not note.strip():
        raise Unprocessable("Write a note when closing a report.", code="missing_note")
    if len(note.strip()) > MAX_NOTE:
        raise Unprocessable(f"A note has at most {MAX_NOTE} characters.", code="long_note")
    if report.acknowledged_at is None:
        report.acknowledged_at, report.acknowledged_by = utcnow(), actor
    report.status, report.closed_at, report.closed_by = "closed", utcnow(), actor
    report.close_note = note.strip()
    session.flush()
    return report
