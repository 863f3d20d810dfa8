"""Make a hit report: validate, route to the item's unit, merge repeats, queue deliveries.

The report and its delivery jobs are added in the caller's transaction, so that the
answer 201 is only given once both are stored (the outbox pattern).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..errors import NotFound, Unprocessable
from ..scan.loader import sniff_format
from ..stolen.models import StolenItem, utcnow
from .models import DeliveryChannel, DeliveryJob, HitReport

MERGE_WINDOW = timedelta(hours=24)
MAX_WHERE, MAX_REMARKS, MAX_PHOTO = 1000, 4000, 5 * 1024 * 1024
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud on the phone


@dataclass(frozen=True, slots=True)
class ReportInput:
    ref: str
    where: str
    query: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""
    remarks: str = ""
    photo: bytes | None = None


@dataclass(frozen=True, slots=True)
class Submitted:
    report: HitReport
    merged: bool


def submit_report(session: Session, data: ReportInput, *, now: datetime | None = None) -> Submitted:
    """Store a report for the unit that recorded the theft of item ``data.ref``.

    The same contact reporting the same item within 24 hours is merged into the first
    report (``repeats`` counts the repeats), so nobody floods a unit's inbox."""
    now = now or utcnow()
    item = session.scalar(
        select(StolenItem).where(StolenItem.ref == data.ref).with_for_update(of=StolenItem)
    )
    if item is None:
        raise NotFound("No stolen item with this reference.", code="unknown_ref")
    _take_turns(session, item.id)
    where, email, phone = _validate(data)
    key = contact_key(email, phone)
    earlier = session.scalar(
        select(HitReport)
        .where(
            HitReport.stolen_item_id == item.id,
            HitReport.contact_key == key,
            HitReport.created_at >= now - MERGE_WINDOW,
        )
        .order_by(HitReport.id)
        .limit(1)
    )
    if earlier is not None:
        earlier.repeats += 1
        session.flush()
        return Submitted(earlier, merged=True)
    report = HitReport(
        public_id=new_public_id(),
        stolen_item_id=item.id,
        police_unit_code=item.police_unit_code,
        query=data.query.strip()[:200],
        where=where,
        contact_name=data.name.strip()[:100] or None,
        contact_email=email,
        contact_phone=phone,
        contact_key=key,
        remarks=data.remarks.strip()[:MAX_REMARKS] or None,
        photo=data.photo,
        photo_type=_photo_type(data.photo),
        created_at=now,
        status="queued",
    )
    session.add(report)
    session.flush()
    _queue_deliveries(session, report, now)
    return Submitted(report, merged=False)


def _take_turns(session: Session, item_id: int) -> None:
    """Make two reports of the same item arriving at the same instant take turns, so that
    the second sees the first and is merged instead of stored twice. PostgreSQL: the row
    lock taken above (FOR UPDATE). SQLite: a no-op write takes the database's write lock
    now, before the search for an earlier report (SQLite runs plain reads outside any
    transaction, so they would not wait)."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE stolen_items SET id = id WHERE id = :id"), {"id": item_id})


def _validate(data: ReportInput) -> tuple[str, str | None, str | None]:
    where = data.where.strip()
    if not where:
        raise Unprocessable("Say where and how the item is offered.", code="missing_where")
    if len(where) > MAX_WHERE or len(data.remarks) > MAX_REMARKS:
        raise Unprocessable("The text is too long.", code="too_long")
    email = data.email.strip().lower() or None
    phone = re.sub(r"[\s()./-]", "", data.phone) or None
    if email is None and phone is None:
        raise Unprocessable("Give an e-mail address or a phone number.", code="missing_contact")
    if email is not None and (len(email) > 254 or not _EMAIL.match(email)):
        raise Unprocessable("The e-mail address is not valid.", code="invalid_email")
    if phone is not None and not re.fullmatch(r"\+?\d{6,20}", phone):
        raise Unprocessable("The phone number is not valid.", code="invalid_phone")
    if data.photo is not None and len(data.photo) > MAX_PHOTO:
        raise Unprocessable("The photo is larger than 5 MiB.", code="photo_too_large")
    if data.photo is not None and _photo_type(data.photo) is None:
        raise Unprocessable(
            "The photo must be a JPEG, PNG, WebP or HEIC image.", code="not_an_image"
        )
    return where, email, phone


def _photo_type(photo: bytes | None) -> str | None:
    found = sniff_format(photo) if photo else None
    return f"image/{found.lower()}" if found else None


def _queue_deliveries(session: Session, report: HitReport, now: datetime) -> None:
    """One job per active channel of the unit, and the citizen's confirmation mail."""
    channels = session.scalars(
        select(DeliveryChannel)
        .where(
            DeliveryChannel.police_unit_code == report.police_unit_code,
            DeliveryChannel.active.is_(True),
        )
        .order_by(DeliveryChannel.id)
    )
    for channel in channels:
        session.add(
            DeliveryJob(
                report_id=report.id,
                channel_id=channel.id,
                kind=channel.kind,
                breaker_key=f"{report.police_unit_code}:{channel.kind}",
                idempotency_key=f"{report.public_id}-c{channel.id}",
                next_attempt_at=now,
            )
        )
    if report.contact_email:
        session.add(
            DeliveryJob(
                report_id=report.id,
                kind="citizen_email",
                breaker_key="citizen:email",
                idempotency_key=f"{report.public_id}-citizen",
                next_attempt_at=now,
            )
        )
    session.flush()


def contact_key(email: str | None, phone: str | None) -> str:
    """A stable key of the reporter's contact, for merging repeats."""
    value = f"email:{email}" if email else f"phone:{phone}"
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def new_public_id() -> str:
    """The reference number the citizen gets: M-XXXXX-XXXXX (50 random bits)."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(10))
    return f"M-{chars[:5]}-{chars[5:]}"


def status_token(secret_key: str, public_id: str) -> str:
    """The secret in the status link, derived from the reference number with the server's
    key: nothing to store, and a merged repeat gets the same link again. The status page
    holds no personal data, so a link shared by mistake reveals only the report's progress.
    """
    mac = hmac.new(secret_key.encode("utf-8"), f"report-status:{public_id}".encode(), "sha256")
    return mac.hexdigest()[:32]


def report_by_link(session: Session, public_id: str, token: str, secret_key: str) -> HitReport:
    """The report behind a status link; NotFound for a wrong token as for a wrong id."""
    report = session.scalar(select(HitReport).where(HitReport.public_id == public_id))
    if report is None or not hmac.compare_digest(status_token(secret_key, public_id), token):
        raise NotFound("No report with this link.", code="unknown_report")
    return report
