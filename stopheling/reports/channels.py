"""Administration of delivery: the units' channels and secrets, failed jobs and retries."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import NotFound, Unprocessable
from ..reference.models import PoliceUnit
from ..stolen.models import utcnow
from .models import DeliveryChannel, DeliveryJob
from .service import _EMAIL


def add_channel(
    session: Session,
    unit: str,
    kind: str,
    target: str,
    *,
    secret: str | None = None,
    allow_http: bool = False,
) -> DeliveryChannel:
    """A new channel for ``unit``; a webhook gets a fresh secret unless one is given.

    Webhooks must be HTTPS (the body holds personal data); ``allow_http`` is for
    development and tests on the loopback interface only."""
    if session.get(PoliceUnit, unit) is None:
        raise Unprocessable("Unknown police unit.", code="unknown_unit")
    target = target.strip()
    if kind == "webhook":
        parts = urlsplit(target)
        plain_ok = (
            allow_http and parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost")
        )
        if not (parts.scheme == "https" or plain_ok) or not parts.hostname:
            raise Unprocessable("A webhook needs an https:// address.", code="invalid_url")
        secret = secret or secrets.token_urlsafe(32)
    elif kind == "email":
        if not _EMAIL.match(target):
            raise Unprocessable("The e-mail address is not valid.", code="invalid_email")
        secret = None
    else:
        raise Unprocessable("kind must be webhook or email.", code="invalid_kind")
    channel = DeliveryChannel(police_unit_code=unit, kind=kind, target=target, secret=secret)
    session.add(channel)
    session.flush()
    return channel


def set_channel_active(session: Session, channel_id: int, active: bool) -> DeliveryChannel:
    """Switch a channel off (its pending jobs fail) or on again; never deleted, for history."""
    channel = session.get(DeliveryChannel, channel_id)
    if channel is None:
        raise NotFound("No such channel.", code="unknown_channel")
    channel.active = active
    session.flush()
    return channel


def list_channels(session: Session) -> list[DeliveryChannel]:
    stmt = select(DeliveryChannel).order_by(DeliveryChannel.police_unit_code, DeliveryChannel.id)
    return list(session.scalars(stmt))


def failed_jobs(session: Session, limit: int = 200) -> list[DeliveryJob]:
    stmt = select(DeliveryJob).where(DeliveryJob.state == "failed").order_by(DeliveryJob.id)
    return list(session.scalars(stmt.limit(limit)))


def retry_job(session: Session, job_id: int) -> DeliveryJob:
    """Give a failed job a fresh set of tries, now."""
    job = session.get(DeliveryJob, job_id)
    if job is None or job.state != "failed":
        raise NotFound("No failed delivery with this number.", code="unknown_job")
    job.state, job.attempts, job.next_attempt_at, job.lease_until = "pending", 0, utcnow(), None
    session.flush()
    return job
