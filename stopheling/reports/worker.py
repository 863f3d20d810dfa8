"""The delivery worker: claim due jobs, send each, record the outcome; stop cleanly.

Run by ``stopheling worker``. Crash-safe by construction: a claim is a lease, so a job a
killed worker held becomes due again when the lease runs out; a recorded success is final.
"""

from __future__ import annotations

import json
import logging
import os
import random
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from ..metrics import count_delivery
from ..stolen.models import utcnow
from . import delivery, outbox
from .models import DeliveryJob
from .service import status_token

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    policy: outbox.Policy
    mail: delivery.MailSettings
    secret_key: str
    public_base_url: str
    batch: int = 20
    poll_seconds: float = 1.0
    http_timeout: float = 10.0
    retention_years: int = 4  # sellers' data in the buyer registers (issue 6)

    @classmethod
    def from_config(cls, config: Any) -> WorkerSettings:
        policy = outbox.Policy(
            backoff_base_ms=config["DELIVERY_BACKOFF_BASE_MS"],
            backoff_max_ms=config["DELIVERY_BACKOFF_MAX_MS"],
            max_attempts=config["DELIVERY_MAX_ATTEMPTS"],
            lease_seconds=config["DELIVERY_LEASE_SECONDS"],
            breaker_threshold=config["DELIVERY_BREAKER_THRESHOLD"],
            breaker_cooldown_ms=config["DELIVERY_BREAKER_COOLDOWN_MS"],
        )
        mail = delivery.MailSettings.from_config(config)
        return cls(
            policy=policy,
            mail=mail,
            secret_key=config["SECRET_KEY"],
            public_base_url=config["PUBLIC_BASE_URL"].rstrip("/"),
            batch=config["WORKER_BATCH"],
            poll_seconds=config["WORKER_POLL_MS"] / 1000,
            http_timeout=config["DELIVERY_TIMEOUT_SECONDS"],
            retention_years=config.get("SELLER_RETENTION_YEARS", 4),
        )


@dataclass
class Worker:
    session: Session
    settings: WorkerSettings
    name: str = field(
        default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
    )
    clock: Callable[[], datetime] = utcnow
    rng: random.Random = field(default_factory=random.Random)
    breakers: outbox.Breakers = field(init=False)
    retention_day: date | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.breakers = outbox.Breakers(self.settings.policy)

    def run(self, stop: threading.Event) -> None:
        """Loop until ``stop`` is set (SIGTERM); the job in hand is finished first."""
        log.info("delivery worker %s started", self.name)
        while not stop.is_set():
            try:
                done = self.run_once(stop)
            except Exception:  # the database went away, say: wait and try again
                log.exception("delivery worker: claim failed")
                self.session.rollback()
                done = 0
            if not done:
                stop.wait(self.settings.poll_seconds)
        log.info("delivery worker %s stopped", self.name)

    def run_once(self, stop: threading.Event | None = None) -> int:
        """Claim one batch and deliver it; returns how many jobs were claimed."""
        self.retro_match()
        self.erase_expired_daily()
        now = self.clock()
        ids = outbox.claim(
            self.session,
            worker=self.name,
            now=now,
            policy=self.settings.policy,
            batch=self.settings.batch,
            skip_keys=self.breakers.open_keys(now),
        )
        for position, job_id in enumerate(ids):
            if stop is not None and stop.is_set():
                outbox.release(self.session, ids[position:], worker=self.name, until=self.clock())
                break
            self.deliver(job_id)
        return len(ids)

    def retro_match(self) -> None:
        """Match stolen items added since the last cycle against the dealers' purchase
        registers (issue 6); the alerts' deliveries are claimed in this same cycle."""
        from ..dealers.matching import retro_match

        try:
            self.session.commit()  # a fresh snapshot: retro_match reads it before writing
            retro_match(self.session, now=self.clock())
            self.session.commit()
        except Exception:  # never let it stop the deliveries
            log.exception("retro-matching failed")
            self.session.rollback()

    def erase_expired_daily(self) -> None:
        """Once a day, erase sellers' personal data past the retention period (issue 6)."""
        from ..dealers.retention import erase_expired

        today = self.clock().date()
        if self.retention_day == today:
            return
        try:
            self.session.commit()
            done = erase_expired(
                self.session, now=self.clock(), years=self.settings.retention_years
            )
            self.retention_day = today
            if done.purchases or done.sales:
                log.info("retention: erased %s sellers, %s buyers", done.purchases, done.sales)
        except Exception:  # never let it stop the deliveries; retried next cycle
            log.exception("retention erasure failed")
            self.session.rollback()

    def deliver(self, job_id: int) -> None:
        job = self.session.get(DeliveryJob, job_id)
        assert job is not None
        key, now = job.breaker_key, self.clock()
        if self.breakers.is_open(key, now):
            outbox.release(
                self.session, [job_id], worker=self.name, until=self.breakers.open_until[key]
            )
            return
        try:
            send = self._prepare(job)
            self.session.commit()  # hold no transaction while waiting on the network
            send()
        except delivery.DeliveryError as exc:
            count_delivery(job.kind, ok=False)
            self.breakers.failed(key, self.clock())
            log.warning("delivery %s failed: %s", job_id, exc)
            outbox.record_failure(
                self.session,
                job_id,
                worker=self.name,
                error=str(exc),
                now=self.clock(),
                policy=self.settings.policy,
                rng=self.rng,
                permanent=exc.permanent,
            )
            return
        count_delivery(job.kind, ok=True)
        self.breakers.succeeded(key)
        outbox.record_success(self.session, job_id, now=self.clock())

    def _prepare(self, job: DeliveryJob) -> Callable[[], Any]:
        """Everything read from the database before sending, as one call to make."""
        report, s = job.report, self.settings
        if job.kind == "citizen_email":
            token = status_token(s.secret_key, report.public_id)
            link = f"{s.public_base_url}/melding/{report.public_id}/{token}"
            message = delivery.citizen_mail(report, link, job.idempotency_key, s.mail)
            return lambda: delivery.send_mail(message, s.mail)
        channel = job.channel
        if channel is None or not channel.active:
            raise delivery.DeliveryError("channel switched off", permanent=True)
        if channel.kind == "email":
            message = delivery.unit_mail(report, channel.target, job.idempotency_key, s.mail)
            return lambda: delivery.send_mail(message, s.mail)
        body = _json(delivery.report_document(report))
        secret, url, key, now = (
            channel.secret or "",
            channel.target,
            job.idempotency_key,
            self.clock(),
        )
        return lambda: delivery.post_webhook(
            url, body, secret=secret, idempotency_key=key, now=now, timeout=s.http_timeout
        )


def _json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
