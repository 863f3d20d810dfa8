"""POST /api/v1/reports as the contract says, and what it writes (report and jobs at once)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from stopheling.extensions import db
from stopheling.reports.channels import add_channel
from stopheling.reports.models import DeliveryJob, HitReport

CONTACT = {"name": "Jan", "email": "jan@example.invalid"}


def report(client, ref, change=None, **more):
    body = (
        {
            "ref": ref,
            "query": "C02XK1Q2JG5H",
            "where": "Waterlooplein, kraam 12",
            "contact": CONTACT,
        }
        | (change or {})
        | more
    )
    return client.post("/api/v1/reports", json=body)


def count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_report_is_201_queued_for_the_unit_that_recorded_the_theft(app, client, add_items):
    [ref] = add_items({"kind": "serial", "identifier": "C02XK1Q2JG5H", "police_unit": "RT"})
    with app.app_context():
        add_channel(db.session, "RT", "webhook", "https://politie.invalid/hook")
        add_channel(db.session, "RT", "email", "meldingen@politie.invalid")
        add_channel(db.session, "AM", "email", "am@politie.invalid")  # another unit
        db.session.commit()
    r = report(client, ref)
    assert r.status_code == 201
    body = r.get_json()
    assert body["status"] == "queued" and body["merged"] is False
    assert body["police_unit"] == {"code": "RT", "name": "Eenheid Rotterdam"}
    assert body["id"].startswith("M-") and body["status_url"].startswith("http")
    # written in the same transaction: the unit's two channels and the citizen's mail
    kinds = {k for (k,) in db_rows(app, select(DeliveryJob.kind))}
    assert kinds == {"webhook", "email", "citizen_email"} and count(app, DeliveryJob) == 3
    assert client.get(body["status_url"].split("localhost", 1)[1]).status_code == 200


def db_rows(app, stmt):
    with app.app_context():
        return db.session.execute(stmt).all()


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"ref": "onbekend"}, 404, "unknown_ref"),
        ({"where": ""}, 422, "missing_where"),
        ({"where": None}, 422, "missing_where"),
        ({"contact": {"name": "Jan"}}, 422, "missing_contact"),
        ({"contact": None}, 422, "missing_contact"),
        ({"contact": {"email": "geen-adres"}}, 422, "invalid_email"),
        ({"contact": {"phone": "12"}}, 422, "invalid_phone"),
        ({"ref": None}, 422, "missing_ref"),
    ],
)
def test_bad_reports_are_refused_and_store_nothing(app, client, add_items, change, status, code):
    [ref] = add_items({"kind": "serial", "identifier": "C02XK1Q2JG5H"})
    r = report(client, ref, change)
    assert r.status_code == status and r.get_json()["error"]["code"] == code
    assert count(app, HitReport) == 0


def test_the_same_person_reporting_the_same_item_within_a_day_is_merged(app, client, add_items):
    [ref, other] = add_items(
        {"kind": "serial", "identifier": "C02XK1Q2JG5H"},
        {"kind": "serial", "identifier": "OTHER12345"},
    )
    first = report(client, ref).get_json()
    again = report(client, ref, contact={"email": " JAN@example.invalid "}).get_json()
    assert again["id"] == first["id"] and again["merged"] is True
    assert again["status_url"] == first["status_url"]
    assert report(client, ref, contact={"phone": "0612345678"}).get_json()["id"] != first["id"]
    assert report(client, other).get_json()["id"] != first["id"]
    assert count(app, HitReport) == 3
    assert count(app, HitReport, HitReport.public_id == first["id"], HitReport.repeats == 1) == 1


def test_reports_are_rate_limited_per_client(app_with, add_items):
    app = app_with(REPORT_RATE_LIMIT="2/minute")
    client = app.test_client()
    [ref] = add_items({"kind": "serial", "identifier": "C02XK1Q2JG5H"})
    answers = [report(client, ref, contact={"phone": f"061234567{n}"}) for n in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert answers[2].headers["Retry-After"]


def test_the_status_link_needs_its_secret(client, add_items):
    [ref] = add_items({"kind": "serial", "identifier": "C02XK1Q2JG5H"})
    body = report(client, ref).get_json()
    path = body["status_url"].split("localhost", 1)[1]
    page = client.get(path).get_data(as_text=True)
    assert body["id"] in page and "Ontvangen" in page and "jan@example" not in page
    assert client.get(path[:-1] + ("0" if path[-1] != "0" else "1")).status_code == 404


def test_the_same_report_sent_twice_at_once_is_stored_once(app, add_items):
    """Two identical reports racing each other: one is stored, the other merged into it."""
    import threading

    (ref,) = add_items({"kind": "serial", "identifier": "RACE123456"})
    barrier, answers = threading.Barrier(4), []

    def send():
        client = app.test_client()
        barrier.wait()
        answers.append(report(client, ref).status_code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [201] * 4
    assert count(app, HitReport) == 1
    with app.app_context():
        assert db.session.scalar(select(HitReport.repeats)) == 3
