"""Retention: sellers' and buyers' personal data leave entries older than the retention
period; the items stay, every chain still verifies, and every erasure is logged."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from stopheling.accounts.models import AuditLog
from stopheling.dealers.models import PurchaseEntry, SaleEntry
from stopheling.dealers.oversight_models import RegisterReadScope
from stopheling.dealers.register import verify_register
from stopheling.dealers.retention import cutoff, erase_expired
from stopheling.extensions import db

from .conftest import NOW
from .oversight_world import X, login, make_officer, record, sell

OLD = NOW - timedelta(days=5 * 365)


@pytest.fixture
def registers(app, make_dealer):
    """A dealer with an old purchase and its sale, and a recent purchase."""
    dealer = make_dealer(X)
    with app.app_context():
        record(dealer, now=OLD, seller_surname="Oudhof", identifiers=(("serial", "OLD-777-1"),))
        sell(dealer, 1, now=OLD + timedelta(days=10), sold_at=OLD + timedelta(days=10))
        record(dealer, now=NOW - timedelta(days=30), seller_surname="Nieuwland")
    return dealer


def entry(dealer, number, model=PurchaseEntry):
    return db.session.scalar(
        sa.select(model).where(model.dealer_id == dealer, model.number == number)
    )


def test_old_entries_lose_personal_data_and_keep_items_and_chain(session, registers):
    done = erase_expired(session, now=NOW, years=4)
    assert (done.purchases, done.sales) == (1, 1)
    session.expire_all()
    old, recent = entry(registers, 1), entry(registers, 2)
    assert old.erased_at is not None
    personal = (old.seller_surname, old.seller_first_names, old.seller_birth_date,
                old.seller_birth_place, old.seller_address, old.seller_id_number,
                old.seller_id_type, old.seller_id_country, old.seller_salt)  # fmt: skip
    assert personal == (None,) * 9
    assert old.description and [i.raw for i in old.identifiers] == ["OLD-777-1"]
    assert recent.seller_surname == "Nieuwland" and recent.erased_at is None
    sale = entry(registers, 1, SaleEntry)
    assert (sale.buyer_name, sale.buyer_address, sale.erased_at is not None) == (None, None, True)
    assert verify_register(session, registers, "purchase") is None
    assert verify_register(session, registers, "sale") is None


def test_every_erasure_is_logged_for_the_municipality(session, registers):
    erase_expired(session, now=NOW, years=4)
    rows = session.execute(
        sa.select(AuditLog, RegisterReadScope).join(
            RegisterReadScope, RegisterReadScope.audit_id == AuditLog.id
        )
    ).all()
    assert sorted((a.action, a.subject, a.actor, s.municipality_code) for a, s in rows) == [
        ("erase_buyer", f"sale:{registers}:1", "system:retention", X),
        ("erase_seller", f"purchase:{registers}:1", "system:retention", X),
    ]
    assert all("4 jaar" in a.reason for a, _ in rows)


def test_erasure_runs_again_without_doing_anything(session, registers):
    erase_expired(session, now=NOW, years=4)
    again = erase_expired(session, now=NOW, years=4)
    assert (again.purchases, again.sales) == (0, 0)
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.actor == "system:retention")) == 2  # fmt: skip


def test_a_longer_retention_keeps_the_data(session, registers):
    assert erase_expired(session, now=NOW, years=6).purchases == 0
    session.expire_all()
    assert entry(registers, 1).seller_surname == "Oudhof"


def test_tampering_after_the_erasure_is_still_caught(session, registers):
    erase_expired(session, now=NOW, years=4)
    session.execute(
        sa.update(PurchaseEntry)
        .where(PurchaseEntry.dealer_id == registers, PurchaseEntry.number == 1)
        .values(description="iets anders")
    )
    session.commit()
    assert verify_register(session, registers, "purchase").number == 1


def test_cutoff_counts_calendar_years():
    assert cutoff(datetime(2028, 2, 29, tzinfo=UTC), 4) == datetime(2024, 2, 29, tzinfo=UTC)
    assert cutoff(datetime(2028, 2, 29, tzinfo=UTC), 1) == datetime(2027, 2, 28, tzinfo=UTC)


def test_the_command_erases_and_reports(app, registers):
    result = app.test_cli_runner().invoke(args=["erase-expired-sellers"])
    assert result.exit_code == 0, result.output
    assert "1 purchase and 1 sale" in result.output
    result = app.test_cli_runner().invoke(args=["erase-expired-sellers", "--years", "0"])
    assert result.exit_code != 0


def test_the_worker_erases_once_a_day(app, registers):
    from stopheling.reports.worker import Worker, WorkerSettings

    clock = [NOW]
    with app.app_context():
        worker = Worker(db.session, WorkerSettings.from_config(app.config), clock=lambda: clock[0])
        worker.run_once(threading.Event())
        assert entry(registers, 1).erased_at is not None
        # a new old entry the same day waits for tomorrow's run
        record(registers, now=OLD + timedelta(days=1), seller_surname="Later")
        worker.run_once(threading.Event())
        assert entry(registers, 3).seller_surname == "Later"
        clock[0] = NOW + timedelta(days=1)
        worker.run_once(threading.Event())
        db.session.expire_all()
        assert entry(registers, 3).seller_surname is None


def test_the_inspection_page_says_the_data_were_erased(app, client, registers):
    with app.app_context():
        erase_expired(db.session, now=NOW, years=4)
        make_officer("agent@example.invalid", "police", unit="AM")
    login(client, "agent@example.invalid")
    page = client.get(f"/inspectie/handelaren/{registers}/inkoop/1").get_data(as_text=True)
    assert "gewist" in page and "OLD-777-1" in page and 'name="reason"' not in page
    assert "In orde" in client.get(f"/inspectie/handelaren/{registers}/controle").get_data(
        as_text=True
    )
