"""Who sees what on the police and admin pages (acceptance 3): parametrized over routes
and roles. Another unit's report or item is 404, the same as a missing one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from stopheling.accounts.models import AuditLog
from stopheling.extensions import db
from stopheling.reports.models import HitReport
from tests.conftest import csrf

ITEMS = [
    {"kind": "serial", "identifier": "AMSERIAL001", "police_unit": "AM", "case_ref": "ZAAK-AM-1"},
    {"kind": "serial", "identifier": "RTSERIAL001", "police_unit": "RT", "case_ref": "ZAAK-RT-1"},
]


@pytest.fixture
def world(app, client, add_items):
    """One item and one report in Amsterdam (AM), the same in Rotterdam (RT)."""
    refs = add_items(*ITEMS)
    for ref, unit in zip(refs, ("am", "rt"), strict=True):
        body = {
            "ref": ref,
            "where": f"markt {unit}",
            "contact": {"email": f"melder-{unit}@example.invalid"},
        }
        assert client.post("/api/v1/reports", json=body).status_code == 201
    with app.app_context():
        ids = dict(db.session.execute(select(HitReport.police_unit_code, HitReport.id)).all())
    return {"AM": (refs[0], ids["AM"]), "RT": (refs[1], ids["RT"])}


def own_and_other(world):
    return world["AM"], world["RT"]


GETS = [
    "/politie/meldingen/{report}",
    "/politie/meldingen/{report}/foto",
    "/politie/gestolen/{ref}",
]
POSTS = [
    "/politie/meldingen/{report}/bevestigen",
    "/politie/meldingen/{report}/afsluiten",
    "/politie/gestolen/{ref}/status",
]


@pytest.mark.parametrize("path", GETS + POSTS)
def test_an_officer_gets_404_for_another_units_report_or_item(world, login, path):
    client = login("police", "AM")
    ref, report = world["RT"]
    url = path.format(ref=ref, report=report)
    if path in POSTS:
        r = client.post(
            url,
            data={
                "csrf_token": csrf(client, "/politie/meldingen"),
                "note": "x",
                "status": "recovered",
            },
        )
    else:
        r = client.get(url)
    assert r.status_code == 404


def test_the_inbox_and_item_list_show_only_the_units_own(world, login):
    client = login("police", "AM")
    inbox = client.get("/politie/meldingen?status=all").get_data(as_text=True)
    assert "markt am" in inbox and "markt rt" not in inbox
    items = client.get("/politie/gestolen").get_data(as_text=True)
    assert "AMSERIAL001" in items and "ZAAK-AM-1" in items
    assert "RTSERIAL001" not in items and "ZAAK-RT-1" not in items
    assert "RTSERIAL001" not in client.get("/politie/gestolen?q=RTSERIAL").get_data(as_text=True)


ROLES = ["citizen", "dealer", "municipality", "boa", "admin"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["/politie/meldingen", "/politie/gestolen"])
def test_other_roles_may_not_use_the_police_pages(world, login, role, path):
    assert login(role, None).get(path).status_code == 403


@pytest.mark.parametrize("role", [r for r in ROLES if r != "admin"] + ["police"])
def test_only_administrators_may_use_the_admin_pages(login, role):
    assert login(role, "AM" if role == "police" else None).get("/beheer/").status_code == 403


@pytest.mark.parametrize("path", ["/politie/meldingen", "/politie/gestolen/x", "/beheer/"])
def test_anonymous_visitors_are_sent_to_the_login(client, path):
    r = client.get(path)
    assert r.status_code == 302 and "/inloggen" in r.headers["Location"]


def test_viewing_a_reporters_data_is_audited_and_acknowledge_and_close_work(app, world, login):
    client = login("police", "AM")
    _, report = world["AM"]
    page = client.get(f"/politie/meldingen/{report}").get_data(as_text=True)
    assert "melder-am@example.invalid" in page
    with app.app_context():
        [entry] = db.session.scalars(select(AuditLog)).all()
        assert entry.action == "view_reporter" and entry.actor.startswith("user:")
    token = csrf(client, f"/politie/meldingen/{report}")
    assert (
        client.post(
            f"/politie/meldingen/{report}/bevestigen", data={"csrf_token": token}
        ).status_code
        == 303
    )
    assert (
        client.post(
            f"/politie/meldingen/{report}/afsluiten", data={"csrf_token": token, "note": ""}
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"/politie/meldingen/{report}/afsluiten",
            data={"csrf_token": token, "note": "Heler aangehouden"},
        ).status_code
        == 303
    )
    with app.app_context():
        closed = db.session.get(HitReport, report)
        assert closed.status == "closed" and closed.close_note == "Heler aangehouden"


def test_an_officer_adds_imports_and_marks_items_with_history(app, world, login):
    client = login("police", "AM")
    token = csrf(client, "/politie/gestolen")
    r = client.post(
        "/politie/gestolen",
        data={
            "csrf_token": token,
            "kind": "frame",
            "identifier": "GZ7654321",
            "reported_on": "2026-10-01",
            "source_id": "BVH-9",
        },
    )
    assert r.status_code == 303
    ref = r.headers["Location"].rsplit("/", 1)[1]
    refused = client.post(
        "/politie/gestolen",
        data={
            "csrf_token": token,
            "kind": "frame",
            "identifier": "GZ7654321",
            "reported_on": "2026-10-01",
            "source_id": "BVH-10",
            "police_unit": "RT",
        },
    )
    assert refused.status_code == 303  # the officer's own unit is used, never the form's
    line = (
        b'{"kind": "serial", "identifier": "IMPORT0001", "police_unit": "AM", '
        b'"reported_on": "2026-10-01", "source_id": "IMP-1"}\n{"kind": "x"}\n'
    )
    from io import BytesIO

    imported = client.post(
        "/politie/gestolen/import",
        data={"csrf_token": token, "file": (BytesIO(line), "items.ndjson")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "1 nieuw" in imported and "1 afgewezen" in imported
    client.post(
        f"/politie/gestolen/{ref}/status",
        data={"csrf_token": token, "status": "recovered", "note": "terug bij eigenaar"},
    )
    page = client.get(f"/politie/gestolen/{ref}").get_data(as_text=True)
    assert "teruggevonden" in page and "terug bij eigenaar" in page


def test_admin_adds_a_channel_and_an_officer_who_then_logs_in(app, client, login):
    admin = login("admin")
    token = csrf(admin, "/beheer/")
    assert (
        admin.post(
            "/beheer/kanalen",
            data={
                "csrf_token": token,
                "unit": "AM",
                "kind": "webhook",
                "target": "https://politie.invalid/hook",
            },
        ).status_code
        == 303
    )
    assert (
        admin.post(
            "/beheer/kanalen",
            data={
                "csrf_token": token,
                "unit": "AM",
                "kind": "webhook",
                "target": "http://example.com/",
            },
        ).status_code
        == 422
    )
    assert (
        admin.post(
            "/beheer/gebruikers",
            data={
                "csrf_token": token,
                "email": "agent@politie.invalid",
                "password": "lang genoeg wachtwoord",
                "role": "police",
                "unit": "RT",
            },
        ).status_code
        == 303
    )
    made = admin.post("/beheer/tokens", data={"csrf_token": token, "kind": "police", "unit": "RT"})
    assert 'id="new-token">shp_' in made.get_data(as_text=True)
    page = admin.get("/beheer/").get_data(as_text=True)
    assert "https://politie.invalid/hook" in page and "agent@politie.invalid" in page


def test_over_long_notes_are_refused_and_change_nothing(app, world, login):
    client = login("police", "AM")
    ref, report = world["AM"]
    token = csrf(client, f"/politie/meldingen/{report}")
    long_note = "x" * 2001
    closing = client.post(
        f"/politie/meldingen/{report}/afsluiten", data={"csrf_token": token, "note": long_note}
    )
    assert closing.status_code == 422
    status = client.post(
        f"/politie/gestolen/{ref}/status",
        data={"csrf_token": token, "status": "recovered", "note": long_note},
    )
    assert status.status_code == 422
    with app.app_context():
        assert db.session.get(HitReport, report).status != "closed"
        from stopheling.stolen.models import StolenItem

        item = db.session.scalar(select(StolenItem).where(StolenItem.ref == ref))
        assert item.status == "stolen"
