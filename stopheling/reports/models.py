"""Hit reports, the units' delivery channels and the outbox of delivery jobs.

A report is routed to the unit that recorded the theft (``police_unit_code`` is copied
from the stolen item when the report is made, so that later register changes do not move
it). Each active channel of that unit gets one ``DeliveryJob`` in the same transaction as
the report: the outbox pattern, so that nothing depends on the network at request time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..stolen.models import utcnow

# queued = received; the citizen's status page shows each step.
REPORT_STATUSES = ("queued", "delivered", "acknowledged", "closed")
CHANNEL_KINDS = ("webhook", "email")
JOB_KINDS = ("webhook", "email", "citizen_email")
JOB_STATES = ("pending", "done", "failed")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class HitReport(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "hit_reports"
    __table_args__ = (
        CheckConstraint(f"status IN {_in(REPORT_STATUSES)}", name="status"),
        Index("ix_hit_reports_inbox", "police_unit_code", "status", "created_at"),
        Index("ix_hit_reports_dedup", "stolen_item_id", "contact_key", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(16), unique=True)
    source: Mapped[str] = mapped_column(String(20), default="citizen")  # later: buyer_register
    stolen_item_id: Mapped[int] = mapped_column(ForeignKey("stolen_items.id"))
    police_unit_code: Mapped[str] = mapped_column(ForeignKey("police_units.code"))
    query: Mapped[str] = mapped_column(String(200), default="")
    where: Mapped[str] = mapped_column(Text)
    contact_name: Mapped[str | None] = mapped_column(String(100))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_key: Mapped[str] = mapped_column(String(64))
    remarks: Mapped[str | None] = mapped_column(Text)
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    photo_type: Mapped[str | None] = mapped_column(String(40))
    repeats: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12), default="queued")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by: Mapped[str | None] = mapped_column(String(100))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(100))
    close_note: Mapped[str | None] = mapped_column(Text)

    item = relationship("StolenItem", lazy="joined")
    police_unit = relationship("PoliceUnit", lazy="joined")
    jobs = relationship("DeliveryJob", back_populates="report", order_by="DeliveryJob.id")


class DeliveryChannel(db.Model):  # type: ignore[name-defined,misc]
    """Where a unit wants its reports: a webhook (signed with ``secret``) or an address."""

    __tablename__ = "delivery_channels"
    __table_args__ = (
        CheckConstraint(f"kind IN {_in(CHANNEL_KINDS)}", name="kind"),
        CheckConstraint("kind <> 'webhook' OR secret IS NOT NULL", name="webhook_secret"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    police_unit_code: Mapped[str] = mapped_column(ForeignKey("police_units.code"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    target: Mapped[str] = mapped_column(String(500))
    # HMAC needs the secret itself, so it is stored as is; only administrators see it.
    secret: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    police_unit = relationship("PoliceUnit", lazy="joined")


class DeliveryJob(db.Model):  # type: ignore[name-defined,misc]
    """One report to one channel (or the confirmation mail to the citizen).

    A worker claims a job by setting ``lease_until``; when it crashes the lease runs out
    and another claim picks the job up again. ``idempotency_key`` stays the same for every
    try, so that the receiver can drop a repeat after a crash between its 2xx and our record.
    """

    __tablename__ = "delivery_jobs"
    __table_args__ = (
        CheckConstraint(f"kind IN {_in(JOB_KINDS)}", name="kind"),
        CheckConstraint(f"state IN {_in(JOB_STATES)}", name="state"),
        UniqueConstraint("idempotency_key", name="uq_delivery_jobs_idempotency_key"),
        Index("ix_delivery_jobs_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("hit_reports.id"), index=True)
    channel_id: Mapped[int | None] = mapped_column(ForeignKey("delivery_channels.id"))
    kind: Mapped[str] = mapped_column(String(16))
    breaker_key: Mapped[str] = mapped_column(String(40))
    idempotency_key: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    report = relationship("HitReport", back_populates="jobs")
    channel = relationship("DeliveryChannel", lazy="joined")
