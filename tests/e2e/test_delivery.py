"""Reports reach their unit durably, with real processes: gunicorn, the worker, a webhook
endpoint that verifies signatures and an SMTP server (acceptance 1, 2 and 4)."""

from __future__ import annotations

import json
import os
import signal
import time
import urllib.request

import pytest
from sqlalchemy import func, select

from stopheling.extensions import db
from stopheling.reports.channels import add_channel
from stopheling.reports.models import DeliveryJob
from stopheling.reports.service import ReportInput, submit_report

from .conftest import free_port
from .delivery import Endpoint, Mailbox, start_worker, stop_worker, wait_for

pytestmark = [pytest.mark.slow]


def post_report(base: str, ref: str, **contact: str) -> dict:
    body = {
        "ref": ref,
        "where": "Marktplaats, advertentie 123",
        "query": "x",
        "contact": contact or {"phone": "0612345678"},
    }
    request = urllib.request.Request(
        base + "/api/v1/reports",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # our loopback server
        assert response.status == 201
        return json.loads(response.read())


def webhook(app, unit: str, endpoint: Endpoint) -> None:
    with app.app_context():
        add_channel(
            db.session, unit, "webhook", endpoint.url, secret=endpoint.secret, allow_http=True
        )
        db.session.commit()


def job_states(app) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(
            select(DeliveryJob.state, func.count()).group_by(DeliveryJob.state)
        ).all()
        db.session.rollback()
    return dict(rows)


def test_a_report_reaches_its_units_endpoint_signed_and_its_mail_the_units_address(
    live_server, app, add_items, database_url
):
    am_item, _ = add_items(
        {"kind": "serial", "identifier": "E2EAM00001", "police_unit": "AM"},
        {"kind": "serial", "identifier": "E2ERT00001", "police_unit": "RT"},
    )
    am, rt = Endpoint("am-secret", free_port()).start(), Endpoint("rt-secret", free_port()).start()
    webhook(app, "AM", am)
    webhook(app, "RT", rt)
    with app.app_context():
        add_channel(db.session, "AM", "email", "meldingen-am@politie.invalid")
        db.session.commit()
    smtp_port = free_port()
    with Mailbox(smtp_port) as mailbox:
        worker = start_worker(
            database_url,
            STOPHELING_SMTP_HOST="127.0.0.1",
            STOPHELING_SMTP_PORT=str(smtp_port),
            STOPHELING_PUBLIC_BASE_URL=live_server,
        )
        try:
            answer = post_report(live_server, am_item, email="burger@example.invalid")
            assert answer["status"] == "queued" and answer["police_unit"]["code"] == "AM"
            wait_for(lambda: am.accepted_keys() and len(mailbox.messages) == 2, what="delivery")
        finally:
            assert stop_worker(worker) == 0  # SIGTERM: a clean stop
    [hit] = am.requests()
    assert hit["valid"] and hit["body"]["id"] == answer["id"] and hit["timestamp"]
    assert hit["body"]["contact"]["email"] == "burger@example.invalid"
    assert rt.requests() == []  # another unit's endpoint hears nothing
    mails = {tuple(to): message for to, message in mailbox.messages}
    unit_mail = mails[("meldingen-am@politie.invalid",)]
    assert answer["id"] in unit_mail["Subject"] and "Marktplaats" in unit_mail.get_content()
    citizen = mails[("burger@example.invalid",)].get_content()
    assert answer["status_url"] in citizen
    with urllib.request.urlopen(answer["status_url"], timeout=5) as page:
        assert "Doorgestuurd naar de politie-eenheid" in page.read().decode()
    am.stop()
    rt.stop()


def test_an_outage_then_the_endpoint_back_delivers_exactly_once(
    live_server, app, add_items, database_url
):
    [ref] = add_items({"kind": "serial", "identifier": "E2EOUTAGE1", "police_unit": "AM"})
    endpoint = Endpoint("s3cret", free_port()).start()
    endpoint.failing = True
    webhook(app, "AM", endpoint)
    worker = start_worker(database_url)
    try:
        key = None
        answer = post_report(live_server, ref)
        wait_for(lambda: len(endpoint.requests()) >= 3, what="three 500s")
        endpoint.stop()  # not listening at all for a while
        time.sleep(1.0)
        endpoint.failing = False
        endpoint.start()
        wait_for(lambda: endpoint.accepted_keys(), what="delivery after the outage")
        time.sleep(1.0)  # nothing more may arrive
        [(key, count)] = endpoint.accepted_keys().items()
    finally:
        stop_worker(worker)
        endpoint.stop()
    assert count == 1 and key.startswith(answer["id"])
    assert all(r["valid"] for r in endpoint.requests())
    assert job_states(app) == {"done": 1}


def test_a_worker_killed_mid_run_loses_nothing_and_sends_each_report_once(
    live_server, app, add_items, database_url
):
    refs = add_items(
        *(
            {"kind": "serial", "identifier": f"E2EKILL{n:04d}", "police_unit": "AM"}
            for n in range(5)
        )
    )
    endpoint = Endpoint("s3cret", free_port()).start()
    webhook(app, "AM", endpoint)
    with app.app_context():
        ids = [
            submit_report(
                db.session, ReportInput(ref=refs[n % 5], where="markt", phone=f"06{n:08d}")
            ).report.public_id
            for n in range(60)
        ]
        db.session.commit()
    first = start_worker(database_url, STOPHELING_WORKER_BATCH="10")
    wait_for(lambda: len(endpoint.accepted_keys()) >= 15, what="a run of deliveries")
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    second = start_worker(database_url)
    try:
        wait_for(lambda: job_states(app) == {"done": 60}, seconds=60, what="all delivered")
    finally:
        stop_worker(second)
        endpoint.stop()
    keys = endpoint.accepted_keys()
    assert {k.split("-c")[0] for k in keys} == set(ids)  # every report, none lost
    assert len(keys) == 60  # exactly once, counted by distinct idempotency keys


def _pg_only():
    databases = os.environ.get("STOPHELING_TEST_DATABASES", "sqlite,postgresql").split(",")
    reason = "SQLite has no row locks: one worker is enough there (see reports/outbox.py)"
    return [
        pytest.param(d, marks=pytest.mark.skip(reason=reason)) if d == "sqlite" else d
        for d in databases
    ]


@pytest.mark.parametrize("database_url", _pg_only(), indirect=True)
def test_two_workers_on_postgresql_deliver_1000_reports_once_each(app, add_items, database_url):
    refs = add_items(
        *(
            {"kind": "serial", "identifier": f"E2ETWO{n:04d}", "police_unit": "ON"}
            for n in range(10)
        )
    )
    endpoint = Endpoint("s3cret", free_port()).start()
    webhook(app, "ON", endpoint)
    with app.app_context():
        for n in range(1000):
            submit_report(
                db.session, ReportInput(ref=refs[n % 10], where="markt", phone=f"06{n:08d}")
            )
        db.session.commit()
    workers = [start_worker(database_url, STOPHELING_WORKER_BATCH="10") for _ in range(2)]
    try:
        wait_for(lambda: job_states(app) == {"done": 1000}, seconds=90, what="1000 delivered")
    finally:
        for worker in workers:
            assert stop_worker(worker) == 0
        endpoint.stop()
    keys = endpoint.accepted_keys()
    assert len(keys) == 1000 and set(keys.values()) == {1}
    assert len(endpoint.requests()) == 1000  # none sent twice, not even a retry
    with app.app_context():
        assert db.session.scalar(select(func.count(func.distinct(DeliveryJob.claimed_by)))) == 2
