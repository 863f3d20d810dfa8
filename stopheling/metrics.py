"""Prometheus metrics: ``GET /metrics`` in the text format, protected from the public.

gunicorn runs several worker processes, so the counters live in prometheus_client's
multiprocess mode: every process (app workers and ``stopheling worker``) writes its own
files into ``PROMETHEUS_MULTIPROC_DIR`` (gunicorn.conf.py makes one when none is set and
marks dead workers in its ``child_exit`` hook) and ``/metrics`` adds them up. The delivery
queue is read from the database at scrape time, so it is right whichever worker runs where.

Who may read it: a bearer token (``STOPHELING_METRICS_TOKEN``) and/or client addresses
(``STOPHELING_METRICS_ALLOW``, comma-separated addresses or CIDR ranges); with neither,
``/metrics`` answers 404 outside development. A refusal is a 404 as well.

The counting helpers here import no Flask, so that the domain code and the delivery worker
can count too.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

REQUESTS = Counter(
    "stopheling_http_requests_total", "HTTP requests answered.", ["endpoint", "method", "status"]
)
LATENCY = Histogram(
    "stopheling_http_request_duration_seconds", "Time to answer an HTTP request.",
    ["endpoint", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)  # fmt: skip
CHECKS = Counter(
    "stopheling_checks_total", "Checks of an identifier, by kind and outcome (hit/near/miss).",
    ["kind", "outcome"],
)  # fmt: skip
SCANS = Counter(
    "stopheling_scans_total",
    "Scans of a photo, by outcome (hit, read, nothing, or the error code).", ["outcome"],
)  # fmt: skip
DELIVERIES = Counter(
    "stopheling_delivery_attempts_total",
    "Delivery attempts of hit reports by the workers, by channel kind and outcome.",
    ["kind", "outcome"],
)  # fmt: skip
THROTTLED = Counter(
    "stopheling_enumeration_throttled_total",
    "Checks refused because the client walks through identifiers.",
)


def count_check(result: dict[str, Any]) -> None:
    outcome = "hit" if result["flagged"] else "near" if result["near"] else "miss"
    CHECKS.labels(kind=result["kind"], outcome=outcome).inc()


def count_scan(outcome: str) -> None:
    SCANS.labels(outcome=outcome).inc()


def count_delivery(kind: str, ok: bool) -> None:
    DELIVERIES.labels(kind=kind, outcome="success" if ok else "failure").inc()


class DeliveryQueueCollector:
    """Delivery jobs by state and the queue's depth and age, read at scrape time."""

    def __init__(self, session_factory: Any) -> None:
        self.session_factory = session_factory

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from sqlalchemy import func, select

        from .reports.models import DeliveryJob
        from .stolen.models import utcnow

        session = self.session_factory()
        try:
            jobs = GaugeMetricFamily(
                "stopheling_delivery_jobs", "Delivery jobs by kind and state.",
                labels=["kind", "state"],
            )  # fmt: skip
            rows = session.execute(
                select(DeliveryJob.kind, DeliveryJob.state, func.count())
                .group_by(DeliveryJob.kind, DeliveryJob.state)
            ).all()  # fmt: skip
            for kind, state, count in rows:
                jobs.add_metric([kind, state], count)
            now = utcnow()
            due = session.execute(
                select(func.count(), func.min(DeliveryJob.next_attempt_at)).where(
                    DeliveryJob.state == "pending", DeliveryJob.next_attempt_at <= now
                )
            ).one()
            oldest = due[1]
            if oldest is not None and oldest.tzinfo is None:  # SQLite gives naive UTC
                oldest = oldest.replace(tzinfo=now.tzinfo)
            age = (now - oldest).total_seconds() if oldest is not None else 0.0
        finally:
            session.rollback()
        yield jobs
        yield GaugeMetricFamily(
            "stopheling_delivery_queue_depth", "Pending deliveries that are due now.", due[0]
        )
        yield GaugeMetricFamily(
            "stopheling_delivery_queue_oldest_seconds",
            "How long the oldest due delivery has been waiting.", max(age, 0.0),
        )  # fmt: skip


def exposition(session_factory: Any) -> bytes:
    """The metrics of every process (multiprocess mode) or of this one, plus the queue."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        registry.register(_Default())
    registry.register(DeliveryQueueCollector(session_factory))
    return bytes(generate_latest(registry))


class _Default:
    """This process's own metrics (no multiprocess directory: development, tests)."""

    def collect(self) -> Iterator[Any]:
        yield from REGISTRY.collect()


def allowed(config: Any, authorization: str, address: str | None) -> bool:
    """May this request read the metrics? (token and/or address; open only in development)"""
    token, allow = str(config.get("METRICS_TOKEN") or ""), str(config.get("METRICS_ALLOW") or "")
    if not token and not allow:
        return bool(config.get("ENV_NAME") == "development")
    given = authorization[7:].strip() if authorization.startswith("Bearer ") else ""
    if token and given and hmac.compare_digest(given.encode(), token.encode()):
        return True
    if allow and address:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        for entry in filter(None, (part.strip() for part in allow.split(","))):
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
    return False


def register(app: Any) -> None:
    """Time and count every request; serve /metrics."""
    from flask import Response, abort, g, request

    from .extensions import db

    @app.before_request
    def start_timer() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def observe(response: Response) -> Response:
        started = g.pop("metrics_started", None)
        if started is not None:
            endpoint = request.endpoint or "none"  # 404s: not one label per probed path
            LATENCY.labels(endpoint=endpoint, method=request.method).observe(
                time.perf_counter() - started
            )
            REQUESTS.labels(
                endpoint=endpoint, method=request.method, status=str(response.status_code)
            ).inc()
        return response

    @app.get("/metrics")
    @app.doc(hide=True)
    def metrics() -> Response:
        if not allowed(app.config, request.headers.get("Authorization", ""), request.remote_addr):
            abort(404)
        body = exposition(lambda: db.session)
        return Response(body, content_type=CONTENT_TYPE_LATEST,
                        headers={"Cache-Control": "no-store"})  # fmt: skip
