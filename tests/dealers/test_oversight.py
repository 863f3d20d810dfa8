"""Municipal oversight and inspection: settings, compliance figures, BOA grants, the
inspectors' area, search by identifier spelling and by ID number, audit of every read."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from stopheling.accounts.models import AuditLog, User
from stopheling.dealers import inspection, oversight
from stopheling.dealers.models import PurchaseEntry
from stopheling.dealers.oversight_models import RegisterReadScope
from stopheling.dealers.rules import rules_for
from stopheling.errors import NotAllowed, NotFound, Unprocessable
from stopheling.extensions import db
from tests.conftest import csrf

from .oversight_world import (
    ID_A,
    SERIAL_A,
    SERIAL_B,
    X,
    Y,
    build_world,
    login,
    make_officer,
    record,
)


@pytest.fixture
def world(app, make_dealer):
    return build_world(app, make_dealer)


def user(name_or_id, world=None):
    uid = world.users[name_or_id] if world else name_or_id
    return db.session.get(User, uid)


# --- register settings ----------------------------------------------------------------


def test_settings_start_at_the_defaults_and_are_saved(session):
    shown = oversight.register_settings(session, X)
    assert (shown.hold_period, shown.hold_unit, shown.sales_register_required) == (5, "days", True)
    data = oversight.SettingsInput(
        hold_period=3,
        hold_unit="working_days",
        sales_register_required=False,
        id_required_for_all_sellers=True,
        photo_required_without_number=False,
    )
    oversight.save_register_settings(session, X, data, actor="user:7")
    session.commit()
    rules = rules_for(session, X)
    assert (rules.hold_period, rules.hold_unit) == (3, "working_days")
    assert rules.id_required_for_all_sellers and not rules.sales_register_required
    assert not rules.photo_required_without_number
    assert rules_for(session, Y).hold_period == 5  # another municipality keeps the defaults
    logged = session.scalar(sa.select(AuditLog).where(AuditLog.action == "register_settings"))
    assert logged.actor == "user:7" and logged.subject == f"municipality:{X}"


@pytest.mark.parametrize("period,unit", [(-1, "days"), (61, "days"), (5, "weeks")])
def test_settings_refuse_impossible_values(session, period, unit):
    data = oversight.SettingsInput(period, unit, True, False, True)
    with pytest.raises(Unprocessable):
        oversight.save_register_settings(session, X, data, actor="user:7")


def test_the_settings_change_what_the_register_requires(app, make_dealer):
    """ID for every seller: a purchase without ID document is then refused."""
    from stopheling.dealers.register import RegisterRefused

    dealer = make_dealer(X)
    with app.app_context():
        data = oversight.SettingsInput(5, "days", True, True, True)
        oversight.save_register_settings(db.session, X, data, actor="user:7")
        db.session.commit()
        with pytest.raises(RegisterRefused) as refused:
            record(dealer, seller_id_type="", seller_id_number="", seller_id_country="")
        assert refused.value.code == "missing_field"


# --- compliance figures ------------------------------------------------------------------


def test_compliance_counts_entries_per_week_late_entries_and_silent_dealers(app, make_dealer):
    busy, silent, elsewhere = make_dealer(X), make_dealer(X), make_dealer(Y)
    make_dealer(X, status="rejected")  # not a dealer to supervise
    now = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)  # Wednesday; this week began 30 November
    with app.app_context():
        record(busy, now=now - timedelta(days=1), acquired_at=now - timedelta(days=1, hours=2))
        record(busy, now=now - timedelta(days=2), acquired_at=now - timedelta(days=2))
        # recorded 30 hours after the acquisition, last week: late
        record(busy, now=now - timedelta(days=8), acquired_at=now - timedelta(days=9, hours=6))
        record(busy, now=now - timedelta(weeks=12))  # before the period
        record(elsewhere, now=now - timedelta(days=1))
        figures = oversight.compliance(db.session, X, now=now, weeks=4, late_hours=24)
        assert figures.weeks == [date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23),
                                 date(2026, 11, 30)]  # fmt: skip
        rows = {f.dealer.id: f for f in figures.dealers}
        assert set(rows) == {busy, silent}
        assert rows[busy].per_week == [0, 0, 1, 2]
        assert rows[busy].late == 1 and rows[silent].late == 0
        assert [f.dealer.id for f in figures.without_entries] == [silent]
        assert [(e.dealer.id, e.number, e.delay_hours) for e in figures.late_entries] == [
            (busy, 3, 30)
        ]
        stricter = oversight.compliance(db.session, X, now=now, weeks=4, late_hours=1)
        assert {e.number for e in stricter.late_entries} == {1, 3}


# --- BOAs and the inspectors' area -------------------------------------------------------


def test_police_inspect_the_municipalities_of_their_unit(world, session):
    area = inspection.inspection_area(db.session, user("police_am", world))
    assert X in area.municipalities and "GM0362" in area.municipalities  # Amstelveen
    assert Y not in area.municipalities
    assert [d.id for d in inspection.dealers_in_area(db.session, area)] == [world.dealer_a]


def test_a_boa_inspects_only_with_a_grant_of_its_municipality(world, session):
    boa = user("boa_x_no_grant", world)
    with pytest.raises(NotAllowed):
        inspection.inspection_area(db.session, boa)
    oversight.grant_access(db.session, X, boa.id, domain="I", basis="akte 12", actor="user:1")
    db.session.commit()
    assert inspection.inspection_area(db.session, boa).municipalities == (X,)
    oversight.revoke_access(db.session, X, boa.id, actor="user:1")
    db.session.commit()
    with pytest.raises(NotAllowed):
        inspection.inspection_area(db.session, boa)
    history = oversight.grant_history(db.session, X)
    assert any(g.user_id == boa.id and g.revoked_at is not None for g in history)


def test_a_municipality_cannot_grant_another_municipalitys_boa(world, session):
    with pytest.raises(NotFound):
        oversight.grant_access(
            db.session, Y, world.users["boa_x_no_grant"], domain="", basis="x", actor="u"
        )
    with pytest.raises(NotFound):  # nor a police officer
        oversight.grant_access(
            db.session, X, world.users["police_am"], domain="", basis="x", actor="u"
        )


def test_a_grant_names_its_basis(world, session):
    with pytest.raises(Unprocessable):
        oversight.grant_access(
            db.session, X, world.users["boa_x_no_grant"], domain="I", basis=" ", actor="u"
        )


def test_moving_a_boa_to_another_municipality_ends_its_access(world, session):
    from stopheling.accounts.users import set_role

    boa = user("boa_x", world)
    set_role(db.session, boa, "boa", municipality=Y)
    db.session.commit()
    with pytest.raises(NotAllowed):
        inspection.inspection_area(db.session, boa)


# --- search ------------------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["sn aaa 123456", "SNAAA123456", "sn-aaa-123456"])
def test_search_by_identifier_in_any_spelling_within_the_area(world, session, spelling):
    police = user("police_am", world)
    area = inspection.inspection_area(db.session, police)
    found = inspection.search_identifier(
        db.session, area, spelling, actor=police.actor, reason="ZAAK-2026-1"
    )
    db.session.commit()
    assert [(e.dealer_id, e.number) for e in found] == [(world.dealer_a, 1)]
    logged = db.session.scalars(
        sa.select(AuditLog).where(AuditLog.action == "search_identifier")
    ).all()
    assert [(a.actor, a.reason, a.subject) for a in logged] == [
        (police.actor, "ZAAK-2026-1", f"purchase:{world.dealer_a}:1")
    ]


def test_search_never_reaches_beyond_the_area(world, session):
    police = user("police_am", world)
    area = inspection.inspection_area(db.session, police)
    assert inspection.search_identifier(db.session, area, SERIAL_B, actor="a", reason="abc") == []
    # the IMEI both dealers bought: only Amsterdam's entry
    found = inspection.search_identifier(
        db.session, area, "356938035643809", actor="a", reason="abc"
    )
    assert {e.dealer_id for e in found} == {world.dealer_a}


@pytest.mark.parametrize("spelling", [ID_A, "ixa 111111", "IXA-111111"])
def test_search_by_id_document_number(world, session, spelling):
    boa = user("boa_x", world)
    area = inspection.inspection_area(db.session, boa)
    found = inspection.search_id_document(
        db.session, area, spelling, actor=boa.actor, reason="controle 12"
    )
    db.session.commit()
    assert [(e.dealer_id, e.number, e.seller_surname) for e in found] == [
        (world.dealer_a, 1, "Aalbers")
    ]
    scope = db.session.scalars(sa.select(RegisterReadScope)).all()
    assert [(s.municipality_code, s.dealer_id, s.audit.action) for s in scope] == [
        (X, world.dealer_a, "search_seller_id")
    ]


def test_a_search_needs_a_reason(world, session):
    area = inspection.inspection_area(db.session, user("police_am", world))
    with pytest.raises(Unprocessable):
        inspection.search_id_document(db.session, area, ID_A, actor="a", reason=" ")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.action.like("search%"))) == 0  # fmt: skip


# --- the pages: reading a seller's data is logged ----------------------------------------


def test_the_register_page_shows_items_but_no_seller(app, client, world):
    login(client, world.emails["police_am"])
    page = client.get(f"/inspectie/handelaren/{world.dealer_a}").get_data(as_text=True)
    assert SERIAL_A in page and "Aalbers" not in page and ID_A not in page
    entry = client.get(f"/inspectie/handelaren/{world.dealer_a}/inkoop/1").get_data(as_text=True)
    assert SERIAL_A in entry and "Aalbers" not in entry
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
            AuditLog.actor == f"user:{world.users['police_am']}")) == 0  # fmt: skip


def test_showing_the_seller_asks_a_reason_and_writes_the_audit_log(app, client, world):
    login(client, world.emails["police_am"])
    url = f"/inspectie/handelaren/{world.dealer_a}/inkoop/1"
    refused = client.post(url, data={"csrf_token": csrf(client, url), "reason": ""})
    assert refused.status_code == 422 and "Aalbers" not in refused.get_data(as_text=True)
    shown = client.post(url, data={"csrf_token": csrf(client, url), "reason": "PL1300-2026-77"})
    page = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "Aalbers" in page and ID_A in page
    with app.app_context():
        rows = db.session.execute(
            sa.select(AuditLog, RegisterReadScope).join(
                RegisterReadScope, RegisterReadScope.audit_id == AuditLog.id
            )
        ).all()
        assert [(a.actor, a.action, a.reason, s.municipality_code) for a, s in rows] == [
            (f"user:{world.users['police_am']}", "view_seller", "PL1300-2026-77", X)
        ]
    # the reason is offered again on the next entry
    assert "PL1300-2026-77" in client.get(url[: -len("1")] + "2").get_data(as_text=True)


def test_showing_a_buyer_is_logged_too(app, client, world):
    login(client, world.emails["boa_x"])
    url = f"/inspectie/handelaren/{world.dealer_a}/verkoop/1"
    assert "K. de Koper" not in client.get(url).get_data(as_text=True)
    shown = client.post(url, data={"csrf_token": csrf(client, url), "reason": "controle markt"})
    assert "K. de Koper" in shown.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(sa.select(AuditLog.action).where(AuditLog.reason == "controle markt"))
            == "view_buyer"
        )


def test_the_search_page_finds_and_logs(app, client, world):
    login(client, world.emails["police_am"])
    data = {"csrf_token": csrf(client, "/inspectie/"), "by": "id_document",
            "query": "ixa-111111", "reason": "ZAAK-9"}  # fmt: skip
    page = client.post("/inspectie/zoeken", data=data).get_data(as_text=True)
    assert "Aalbers" in page and SERIAL_A in page
    data |= {"by": "identifier", "query": "sn aaa 123456"}
    page = client.post("/inspectie/zoeken", data=data).get_data(as_text=True)
    assert SERIAL_A in page and "Aalbers" not in page
    data |= {"reason": ""}
    assert client.post("/inspectie/zoeken", data=data).status_code == 422
    short = client.post("/inspectie/zoeken", data=data | {"reason": "zaak", "by": "id_document",
                                                         "query": " ab "})  # fmt: skip
    assert short.status_code == 422 and "minstens 4 tekens" in short.get_data(as_text=True)
    blank = client.post("/inspectie/zoeken", data=data | {"reason": "   a   "})
    assert blank.status_code == 422
    with app.app_context():
        actions = db.session.scalars(
            sa.select(AuditLog.action).where(AuditLog.reason == "ZAAK-9").order_by(AuditLog.id)
        ).all()
        assert actions == ["search_seller_id", "search_identifier"]


def test_verify_names_the_first_entry_that_does_not_fit(app, client, world):
    login(client, world.emails["police_am"])
    url = f"/inspectie/handelaren/{world.dealer_a}/controle"
    assert client.get(url).get_data(as_text=True).count("In orde") == 2
    with app.app_context():
        db.session.execute(
            sa.update(PurchaseEntry)
            .where(PurchaseEntry.dealer_id == world.dealer_a, PurchaseEntry.number == 2)
            .values(price_cents=1)
        )
        db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Niet in orde" in page and "regel 2" in page.lower()


def test_a_boa_without_grant_gets_a_page_that_explains(client, world):
    login(client, world.emails["boa_x_no_grant"])
    response = client.get("/inspectie/")
    assert response.status_code == 403
    assert "gemeente" in response.get_data(as_text=True)


# --- the municipality's review of reads --------------------------------------------------


def test_the_municipality_reviews_the_reads_of_its_dealers_only(world, session):
    police_am, police_rt = user("police_am", world), user("police_rt", world)
    for officer, dealer in ((police_am, world.dealer_a), (police_rt, world.dealer_b)):
        area = inspection.inspection_area(db.session, officer)
        inspection.open_purchase(db.session, area, dealer, 1, actor=officer.actor, reason="zaak")
    db.session.commit()
    rows, more = oversight.audit_log(db.session, X)
    assert [(r.user.id, r.dealer.id, r.entry.action) for r in rows] == [
        (police_am.id, world.dealer_a, "view_seller")
    ] and not more
    assert [u.id for u in oversight.audit_officers(db.session, X)] == [police_am.id]
    assert oversight.audit_log(db.session, X, officer=police_rt.id)[0] == []
    today = datetime.now(UTC).date()
    assert len(oversight.audit_log(db.session, X, since=today, until=today)[0]) == 1
    assert oversight.audit_log(db.session, X, until=today - timedelta(days=1))[0] == []


def test_make_officer_helper_keeps_a_boas_municipality(app):
    with app.app_context():
        uid = make_officer("boa-z@example.invalid", "boa", municipality=Y)
        assert db.session.get(User, uid).municipality_code == Y


# --- the municipality's pages ------------------------------------------------------------


def test_the_settings_page_saves_the_rules(app, client, world):
    login(client, world.emails["municipality_x"])
    page = client.get("/gemeente/instellingen").get_data(as_text=True)
    assert 'name="hold_period"' in page and 'value="5"' in page
    data = {"csrf_token": csrf(client, "/gemeente/instellingen"), "hold_period": "7",
            "hold_unit": "working_days", "id_required_for_all_sellers": "y"}  # fmt: skip
    assert client.post("/gemeente/instellingen", data=data).status_code == 303
    with app.app_context():
        rules = rules_for(db.session, X)
    assert (rules.hold_period, rules.hold_unit) == (7, "working_days")
    assert rules.id_required_for_all_sellers and not rules.sales_register_required
    data |= {"hold_period": "99"}
    refused = client.post("/gemeente/instellingen", data=data)
    assert refused.status_code == 422 and 'aria-invalid="true"' in refused.get_data(as_text=True)
    with app.app_context():
        assert rules_for(db.session, X).hold_period == 7


def test_the_compliance_page_states_what_late_means(app_with, make_dealer):
    app = app_with(REGISTER_LATE_HOURS=12)
    client = app.test_client()
    with app.app_context():
        make_officer("gemeente@example.invalid", "municipality", municipality=X)
    login(client, "gemeente@example.invalid")
    page = client.get("/gemeente/naleving?weken=4").get_data(as_text=True)
    assert "meer dan 12 uur" in page


def test_the_municipality_grants_and_revokes_a_boa_on_its_page(app, client, world):
    login(client, world.emails["municipality_x"])
    boa = world.users["boa_x_no_grant"]
    page = client.get("/gemeente/boas").get_data(as_text=True)
    assert "boa-x-no-grant@example.invalid" in page and "boa-y@example.invalid" not in page
    token = csrf(client, "/gemeente/boas")
    url = f"/gemeente/boas/{boa}/toegang"
    assert client.post(url, data={"csrf_token": token, f"boa{boa}-basis": ""}).status_code == 422
    data = {"csrf_token": token, f"boa{boa}-domain": "I", f"boa{boa}-basis": "akte 2026-3"}
    assert client.post(url, data=data).status_code == 303
    with app.app_context():
        assert inspection.inspection_area(db.session, db.session.get(User, boa)).municipalities
    other = world.users["boa_y"]
    data = {"csrf_token": token, f"boa{other}-basis": "akte"}
    assert client.post(f"/gemeente/boas/{other}/toegang", data=data).status_code == 404
    data = {"csrf_token": token, f"boa{other}-basis": ""}  # a refused form is no way in either
    assert client.post(f"/gemeente/boas/{other}/toegang", data=data).status_code == 404
    assert (
        client.post(f"/gemeente/boas/{other}/intrekken", data={"csrf_token": token}).status_code
        == 404
    )
    assert (
        client.post(f"/gemeente/boas/{boa}/intrekken", data={"csrf_token": token}).status_code
        == 303
    )
    with app.app_context(), pytest.raises(NotAllowed):
        inspection.inspection_area(db.session, db.session.get(User, boa))


def test_suspending_a_dealer_stops_its_recording(app, client, world):
    from stopheling.dealers.register import RegisterRefused

    login(client, world.emails["municipality_x"])
    url = f"/gemeente/handelaren/{world.dealer_a}/schorsen"
    assert "Schorsen" in client.get(url).get_data(as_text=True)
    token = csrf(client, url)
    assert client.post(url, data={"csrf_token": token, "note": ""}).status_code == 422
    assert (
        client.post(
            url, data={"csrf_token": token, "note": "register niet bijgehouden"}
        ).status_code
        == 303
    )
    listing = client.get("/gemeente/handelaren").get_data(as_text=True)
    assert "geschorst" in listing and "Schorsing opheffen" in listing
    with app.app_context(), pytest.raises(RegisterRefused):
        record(world.dealer_a)
    other = f"/gemeente/handelaren/{world.dealer_b}/schorsen"
    assert client.post(other, data={"csrf_token": token, "note": "x"}).status_code == 404
    back = f"/gemeente/handelaren/{world.dealer_a}/herstellen"
    assert client.post(back, data={"csrf_token": token}).status_code == 303
    with app.app_context():
        assert record(world.dealer_a).number == 3


def test_the_audit_page_filters_by_officer_and_date(app, client, world):
    with app.app_context():
        for name in ("police_am", "boa_x"):
            officer = user(name, world)
            area = inspection.inspection_area(db.session, officer)
            inspection.open_purchase(
                db.session, area, world.dealer_a, 1, actor=officer.actor, reason=f"reden {name}"
            )
        db.session.commit()
    login(client, world.emails["municipality_x"])
    page = client.get("/gemeente/auditlog").get_data(as_text=True)
    assert "reden police_am" in page and "reden boa_x" in page and "verkoper ingezien" in page
    only = client.get(f"/gemeente/auditlog?officer={world.users['boa_x']}").get_data(as_text=True)
    assert "reden boa_x" in only and "reden police_am" not in only
    past = client.get("/gemeente/auditlog?until=2020-01-01").get_data(as_text=True)
    assert "reden boa_x" not in past
    login(client, world.emails["municipality_y"])
    assert "reden boa_x" not in client.get("/gemeente/auditlog").get_data(as_text=True)


def test_a_boa_with_an_unknown_municipality_is_refused(session):
    from stopheling.accounts.users import create_user

    with pytest.raises(Unprocessable):
        create_user(
            session, email="boa-q@example.invalid", password="x" * 12, role="boa",
            municipality="GM9999",
        )  # fmt: skip
    boa = create_user(session, email="boa-r@example.invalid", password="x" * 12, role="boa")
    assert boa.municipality_code is None  # a BOA without municipality inspects nothing
    with pytest.raises(NotAllowed):
        inspection.inspection_area(session, boa)


def test_the_oversight_tables_match_their_migration(session):
    """Models and migration 0006 agree (the schema of every test comes from migrations)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    context = MigrationContext.configure(session.connection())
    mine = ("register_grants", "register_read_scopes")
    diffs = [d for d in compare_metadata(context, db.metadata) if any(t in str(d) for t in mine)]
    assert diffs == []
