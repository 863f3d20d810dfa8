"""Acceptance 4: with PostgreSQL and Redis, two gunicorn servers and two delivery workers on
one machine share the rate limits and the delivery queue: a client's checks count against
one limit whichever server answers, and hit reports made through either server reach the
unit's endpoint exactly once each."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
import uuid

import pytest
from sqlalchemy import func, select

from stopheling.extensions import db
from stopheling.reports.channels import add_channel
from stopheling.reports.models import DeliveryJob
from tests.e2e.conftest import free_port
from tests.e2e.delivery import Endpoint, start_worker, stop_worker, wait_for

from .conftest import REDIS, gunicorn

pytestmark = [pytest.mark.slow]


def _pg_only():
    databases = os.environ.get("STOPHELING_TEST_DATABASES", "sqlite,postgresql").split(",")
    reason = "several workers need row locks (FOR UPDATE SKIP LOCKED): PostgreSQL only"
    return [
        pytest.param(d, marks=pytest.mark.skip(reason=reason)) if d == "sqlite" else d
        for d in databases
    ]


def call(base: str, path: str, address: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode() if body is not None else None,
        method="POST" if body is not None else "GET",
        headers={"X-Forwarded-For": address, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # loopback servers
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def job_states(app) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(
            select(DeliveryJob.state, func.count()).group_by(DeliveryJob.state)
        ).all()
        db.session.rollback()
    return dict(rows)


@pytest.mark.parametrize("database_url", _pg_only(), indirect=True)
def test_two_servers_and_two_workers_share_limits_and_the_queue(app, add_items, database_url):
    refs = add_items(
        *({"kind": "serial", "identifier": f"TWOSRV{n:04d}", "police_unit": "AM"} for n in range(6))
    )
    endpoint = Endpoint("two-servers-secret", free_port()).start()
    with app.app_context():
        add_channel(db.session, "AM", "webhook", endpoint.url, secret=endpoint.secret,
                    allow_http=True)  # fmt: skip
        db.session.commit()
    settings = {
        "REDIS_URL": REDIS,
        "STOPHELING_CHECK_RATE_LIMIT": "10/minute",
        "STOPHELING_TRUSTED_PROXIES": "1",  # X-Forwarded-For names the client
        "STOPHELING_ENUMERATION_MISSES": "100000",
    }
    # A client address of this run only, so that other runs sharing the Redis do not count.
    client = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    workers = []
    with (
        gunicorn(database_url, **settings) as (first, _),
        gunicorn(database_url, **settings) as (second, _),
    ):
        # Rate limits: ten checks, alternating servers, are allowed; the eleventh is not,
        # on either server: the count lives in Redis, not in a server.
        statuses = [call((first, second)[n % 2], f"/api/v1/check?q=ABC{n}", client)[0]
                    for n in range(10)]  # fmt: skip
        assert statuses == [200] * 10
        assert call(first, "/api/v1/check?q=ABC10", client)[0] == 429
        assert call(second, "/api/v1/check?q=ABC11", client)[0] == 429
        assert call(second, "/api/v1/check?q=ABC12", "10.254.254.254")[0] == 200  # others: fine

        # The delivery queue: 60 reports through both servers, two workers deliver them.
        workers = [start_worker(database_url, STOPHELING_WORKER_BATCH="4") for _ in range(2)]
        try:
            ids = []
            for n in range(60):
                report = {"ref": refs[n % 6], "where": "Marktplaats",
                          "contact": {"phone": f"06{n:08d}"}}  # fmt: skip
                status, body = call((first, second)[n % 2], "/api/v1/reports", f"10.200.{n}.1",
                                    report)  # fmt: skip
                assert status == 201, body
                ids.append(body["id"])
            wait_for(lambda: job_states(app) == {"done": 60}, seconds=90, what="60 delivered")
        finally:
            codes = [stop_worker(worker) for worker in workers]
            endpoint.stop()
        assert codes == [0, 0]
    keys = endpoint.accepted_keys()
    assert {key.split("-c")[0] for key in keys} == set(ids)  # every report: none lost
    assert len(keys) == 60 and set(keys.values()) == {1}  # each exactly once
    assert len(endpoint.requests()) == 60 and all(r["valid"] for r in endpoint.requests())
    with app.app_context():
        workers_used = db.session.scalar(select(func.count(func.distinct(DeliveryJob.claimed_by))))
    assert workers_used == 2  # both workers took jobs from the one queue
