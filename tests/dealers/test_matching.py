"""Purchases against the stolen register: at recording and when stolen items come later."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from stopheling.dealers import register as reg
from stopheling.dealers.alerts import held_entry_ids, release_hold
from stopheling.dealers.matching import find_purchases, retro_match
from stopheling.dealers.models import Dealer, RegisterAlert, RetroMatchCursor
from stopheling.dealers.sales import record_sale
from stopheling.extensions import db
from stopheling.reports.channels import add_channel
from stopheling.reports.models import DeliveryJob, HitReport
from stopheling.reports.worker import Worker, WorkerSettings
from stopheling.stolen.models import StolenItem
from stopheling.stolen.register import import_lines, set_status
from tests.e2e.conftest import free_port
from tests.e2e.delivery import Endpoint

from .conftest import NOW, purchase_input, sale_input


def record(dealer_id, **overrides):
    dealer = db.session.get(Dealer, dealer_id)
    entry = reg.record_purchase(
        db.session, dealer, purchase_input(**overrides), actor="user:1", now=NOW
    )
    db.session.commit()
    return entry


def import_stolen(*items):
    lines = [
        json.dumps({"police_unit": "AM", "reported_on": "2026-10-02", "source_id": f"S-{n}"} | i)
        for n, i in enumerate(items)
    ]
    result = import_lines(db.session, lines, actor="test")
    assert result.rejected == 0, result.errors
    db.session.commit()


def test_a_purchase_of_a_stolen_item_alerts_both_units_and_holds_it(app, add_items, make_dealer):
    add_items({"kind": "serial", "identifier": "C02-XK1Q2-JG5H", "police_unit": "AM"})
    dealer_id = make_dealer("GM0344")  # Utrecht: unit Midden-Nederland
    with app.app_context():
        add_channel(db.session, "MN", "email", "register@politie.invalid")
        db.session.commit()
        entry = record(dealer_id, category="computer", identifiers=(("auto", "c02xk1q2jg5h"),))
        alert = db.session.scalar(sa.select(RegisterAlert))
        assert alert.entry_id == entry.id and alert.found == "recording"
        theft = db.session.get(HitReport, alert.theft_report_id)
        area = db.session.get(HitReport, alert.area_report_id)
        assert (theft.source, theft.police_unit_code) == ("buyer_register", "AM")
        assert (area.source, area.police_unit_code) == ("buyer_register", "MN")
        assert "inkoopregel 1" in theft.where and "Jansen" not in theft.remarks
        jobs = db.session.scalars(sa.select(DeliveryJob)).all()
        assert [(j.report_id, j.kind) for j in jobs] == [(area.id, "email")]
        assert held_entry_ids(db.session, [entry.id]) == {entry.id}
        dealer = db.session.get(Dealer, dealer_id)
        later = NOW + timedelta(days=30)
        with pytest.raises(reg.RegisterRefused) as refused:
            record_sale(db.session, dealer, sale_input(1), actor="t", now=later)
        db.session.rollback()
        assert refused.value.code == "police_hold"
        assert "politie" in refused.value.message
        # the police release it; then it may be sold
        release_hold(db.session, alert.id, unit="MN", actor="user:9", note="eigenaar gevonden")
        db.session.commit()
        assert held_entry_ids(db.session, [entry.id]) == set()
        assert record_sale(db.session, dealer, sale_input(1), actor="t", now=later).number == 1


def test_recovered_items_and_other_kinds_do_not_alert(app, add_items, make_dealer):
    (ref,) = add_items({"kind": "serial", "identifier": "RECOVERED123"})
    dealer_id = make_dealer()
    with app.app_context():
        item = db.session.scalar(sa.select(StolenItem).where(StolenItem.ref == ref))
        set_status(db.session, item, "recovered", actor="test")
        db.session.commit()
        record(dealer_id, identifiers=(("serial", "RECOVERED123"),))
        record(dealer_id, identifiers=(("serial", "RECOVERED124"),))  # near is no match
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RegisterAlert)) == 0


def test_a_correction_of_a_held_entry_stays_held_without_a_second_report(
    app, add_items, make_dealer
):
    add_items({"kind": "imei", "identifier": "356938035643809"})
    dealer_id = make_dealer()
    with app.app_context():
        first = record(dealer_id)
        second = record(dealer_id, corrects_number=1, correction_reason="kleur vergeten",
                        colour="zwart")  # fmt: skip
        assert held_entry_ids(db.session, [first.id, second.id]) == {first.id, second.id}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(HitReport)) == 1


def test_retro_matching_finds_purchases_of_items_stolen_later(app, make_dealer):
    dealer_id = make_dealer()
    with app.app_context():
        entry = record(dealer_id, identifiers=(("imei", "35-693803-564380-9"),))
        other = record(dealer_id, identifiers=(("serial", "NOT-STOLEN-1"),))
        assert retro_match(db.session) == 0
        db.session.commit()
        import_stolen({"kind": "imei", "identifier": "356938035643809"},
                      {"kind": "serial", "identifier": "UNRELATED-99"})  # fmt: skip
        assert retro_match(db.session) == 1
        db.session.commit()
        alert = db.session.scalar(sa.select(RegisterAlert))
        assert (alert.entry_id, alert.found) == (entry.id, "retro")
        assert held_entry_ids(db.session, [entry.id, other.id]) == {entry.id}
        # the cursor moved on: nothing is matched twice
        assert retro_match(db.session) == 0
        db.session.commit()
        cursor = db.session.get(RetroMatchCursor, 1)
        assert cursor.last_event_id > 0 and cursor.pending_event_id is None


def test_the_worker_alerts_the_unit_within_one_cycle(app, make_dealer):
    """Acceptance 2: a stolen item imported after the purchase; one worker cycle later the
    unit's endpoint has the alert."""
    endpoint = Endpoint("unit-secret", free_port()).start()
    try:
        dealer_id = make_dealer()
        with app.app_context():
            add_channel(db.session, "AM", "webhook", endpoint.url, secret=endpoint.secret,
                        allow_http=True)  # fmt: skip
            db.session.commit()
            record(dealer_id, identifiers=(("frame", "WAW 12345 K"),), category="fiets")
            import_stolen({"kind": "frame", "identifier": "waw12345k"})
            settings = WorkerSettings.from_config(app.config)
            Worker(db.session, settings).run_once()
            assert len(endpoint.received) == 1
            body = endpoint.received[0]["body"]
            assert body["source"] == "buyer_register" and body["police_unit"] == "AM"
            assert endpoint.received[0]["valid"]
            report = db.session.scalar(sa.select(HitReport))
            assert report.status == "delivered"
    finally:
        endpoint.stop()


def test_find_purchases_by_identifier_within_given_dealers(app, make_dealer):
    a, b = make_dealer(), make_dealer()
    with app.app_context():
        mine = record(a, identifiers=(("serial", "FIND-ME-123"),))
        record(b, identifiers=(("serial", "FIND-ME-123"),))
        assert [e.id for e in find_purchases(db.session, "findme123", dealer_ids=[a])] == [mine.id]
        assert len(find_purchases(db.session, "FIND ME 123")) == 2
        assert find_purchases(db.session, "FIND-ME-124") == []


def test_stolen_items_committed_out_of_order_are_all_matched(app, make_dealer):
    """PostgreSQL: an import that took event ids earlier but commits later is not skipped
    by the cursor (the cursor waits until every older transaction has finished)."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite has one writer: event ids commit in order")
    dealer_id = make_dealer()
    with app.app_context():
        record(dealer_id, identifiers=(("serial", "EARLY-ID-1234"),))
        record(dealer_id, identifiers=(("serial", "LATE-ID-5678"),))
        connection = db.engine.connect()
        slow = sa.orm.Session(bind=connection)
        try:
            line = json.dumps({"kind": "serial", "identifier": "EARLY-ID-1234", "police_unit": "AM",
                               "reported_on": "2026-10-02", "source_id": "slow-1"})  # fmt: skip
            assert import_lines(slow, [line], actor="test").created == 1
            slow.flush()  # its event id is taken, not committed
            import_stolen({"kind": "serial", "identifier": "LATE-ID-5678"})
            assert retro_match(db.session) == 0  # an older transaction is still running
            db.session.commit()
            slow.commit()
        finally:
            slow.close()
            connection.close()
        assert retro_match(db.session) == 2
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RegisterAlert)) == 2


def test_retro_match_of_a_corrected_entry_reports_once(app, make_dealer):
    dealer_id = make_dealer()
    with app.app_context():
        first = record(dealer_id, identifiers=(("serial", "CHAIN-SERIAL-77"),))
        second = record(
            dealer_id, identifiers=(("serial", "CHAIN-SERIAL-77"),), corrects_number=1,
            correction_reason="prijs verkeerd", price_cents=999,
        )  # fmt: skip
        import_stolen({"kind": "serial", "identifier": "chainserial77"})
        assert retro_match(db.session) == 2
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(HitReport)) == 1
        assert held_entry_ids(db.session, [first.id, second.id]) == {first.id, second.id}
