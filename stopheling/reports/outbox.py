"""The outbox: claim due delivery jobs with a lease, record outcomes, back off, break circuits.

A claim is one UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) … RETURNING: on
PostgreSQL concurrent workers skip each other's rows; SQLite has one writer at a time, so
the same statement is atomic there (one worker is enough on SQLite). The claim commits
at once and the lease (not a held transaction) keeps other workers away while sending.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from .models import DeliveryJob, HitReport


@dataclass(frozen=True, slots=True)
class Policy:
    """How hard to try: backoff in milliseconds, tries before giving up, the lease."""

    backoff_base_ms: int = 2000
    backoff_max_ms: int = 3_600_000
    max_attempts: int = 12
    lease_seconds: float = 60.0
    breaker_threshold: int = 5
    breaker_cooldown_ms: int = 30_000


def backoff(attempt: int, policy: Policy, rng: random.Random) -> timedelta:
    """Exponential backoff with jitter: half fixed, half random, so that many failed jobs
    do not all come back at the same moment and hit a recovering endpoint together."""
    capped = min(policy.backoff_max_ms, policy.backoff_base_ms * 2 ** max(attempt - 1, 0))
    return timedelta(milliseconds=capped / 2 + rng.uniform(0, capped / 2))


def claim(
    session: Session,
    *,
    worker: str,
    now: datetime,
    policy: Policy,
    batch: int,
    skip_keys: list[str],
) -> list[int]:
    """Lease up to ``batch`` due jobs to ``worker``; returns their ids (committed)."""
    due = (
        select(DeliveryJob.id)
        .where(
            DeliveryJob.state == "pending",
            DeliveryJob.next_attempt_at <= now,
            or_(DeliveryJob.lease_until.is_(None), DeliveryJob.lease_until < now),
        )
        .order_by(DeliveryJob.next_attempt_at, DeliveryJob.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    if skip_keys:
        due = due.where(DeliveryJob.breaker_key.not_in(skip_keys))
    stmt = (
        update(DeliveryJob)
        .where(DeliveryJob.id.in_(due))
        .values(
            lease_until=now + timedelta(seconds=policy.lease_seconds),
            claimed_by=worker,
            attempts=DeliveryJob.attempts + 1,
        )
        .returning(DeliveryJob.id)
        .execution_options(synchronize_session=False)
    )
    ids = sorted(session.scalars(stmt))
    session.commit()
    return ids


def record_success(session: Session, job_id: int, *, now: datetime) -> None:
    """A 2xx (or an accepted mail) is final: the job is never sent again."""
    job = session.get(DeliveryJob, job_id)
    assert job is not None
    job.state, job.done_at, job.lease_until, job.last_error = "done", now, None, None
    if job.kind != "citizen_email":
        session.execute(
            update(HitReport)
            .where(HitReport.id == job.report_id, HitReport.status == "queued")
            .values(status="delivered", delivered_at=now)
        )
    session.commit()


def record_failure(
    session: Session,
    job_id: int,
    *,
    worker: str,
    error: str,
    now: datetime,
    policy: Policy,
    rng: random.Random,
    permanent: bool = False,
) -> None:
    """Schedule the next try, or mark the job failed after the last one (admins retry)."""
    job = session.get(DeliveryJob, job_id)
    assert job is not None
    if job.claimed_by != worker or job.state != "pending":
        session.rollback()  # our lease ran out and another worker owns the job now
        return
    job.last_error, job.lease_until = error[:1000], None
    if permanent or job.attempts >= policy.max_attempts:
        job.state = "failed"
    else:
        job.next_attempt_at = now + backoff(job.attempts, policy, rng)
    session.commit()


def release(session: Session, job_ids: list[int], *, worker: str, until: datetime) -> None:
    """Give back claimed jobs untried (circuit open, or shutting down): no try is counted."""
    if job_ids:
        session.execute(
            update(DeliveryJob)
            .where(
                DeliveryJob.id.in_(job_ids),
                DeliveryJob.claimed_by == worker,
                DeliveryJob.state == "pending",
            )
            .values(lease_until=None, next_attempt_at=until, attempts=DeliveryJob.attempts - 1)
            .execution_options(synchronize_session=False)
        )
    session.commit()


@dataclass
class Breakers:
    """Per-unit circuit breakers (key: unit and channel kind), kept in the worker process.

    After ``threshold`` failures in a row a key opens for a cooldown that doubles on each
    failed trial; the first try after the cooldown is the trial (half-open)."""

    policy: Policy
    failures: dict[str, int] = field(default_factory=dict)
    open_until: dict[str, datetime] = field(default_factory=dict)

    def open_keys(self, now: datetime) -> list[str]:
        return [key for key, until in self.open_until.items() if until > now]

    def is_open(self, key: str, now: datetime) -> bool:
        return self.open_until.get(key, now) > now

    def succeeded(self, key: str) -> None:
        self.failures.pop(key, None)
        self.open_until.pop(key, None)

    def failed(self, key: str, now: datetime) -> None:
        count = self.failures.get(key, 0) + 1
        self.failures[key] = count
        over = count - self.policy.breaker_threshold
        if over >= 0:
            cooldown = self.policy.breaker_cooldown_ms
            cap = max(cooldown, self.policy.backoff_max_ms)
            ms = min(cooldown * 2 ** min(over, 10), cap)
            self.open_until[key] = now + timedelta(milliseconds=ms)
