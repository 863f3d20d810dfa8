"""Acceptance 3: concurrent submissions for one dealer get consecutive numbers, one chain."""

from __future__ import annotations

import threading

import sqlalchemy as sa

from stopheling.dealers import register as reg
from stopheling.dealers.models import Dealer, PurchaseEntry
from stopheling.extensions import db

from .conftest import NOW, purchase_input

SUBMISSIONS = 20


def test_twenty_concurrent_submissions_get_twenty_consecutive_numbers(app, make_dealer):
    dealer_id = make_dealer()
    start = threading.Barrier(SUBMISSIONS)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def submit(n: int) -> None:
        try:
            data = purchase_input(identifiers=(("serial", f"CONCURRENT-{n:03d}"),))
            start.wait(timeout=30)  # all at once (more threads than pooled connections)
            with app.app_context():
                dealer = db.session.get(Dealer, dealer_id)
                entry = reg.record_purchase(db.session, dealer, data, actor="token:1", now=NOW)
                db.session.commit()
                numbers.append(entry.number)
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(SUBMISSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(numbers) == list(range(1, SUBMISSIONS + 1))
    with app.app_context():
        assert reg.verify_register(db.session, dealer_id) is None
        stored = db.session.scalars(
            sa.select(PurchaseEntry.number).where(PurchaseEntry.dealer_id == dealer_id)
        ).all()
        assert sorted(stored) == list(range(1, SUBMISSIONS + 1))
        # an entry changed directly in the database is named by verify
        db.session.execute(
            sa.text(
                "UPDATE purchase_entries SET description = 'iets anders' "
                "WHERE dealer_id = :d AND number = 13"
            ),
            {"d": dealer_id},
        )
        db.session.commit()
        broken = reg.verify_register(db.session, dealer_id)
        assert broken is not None and broken.number == 13
        assert "13" in broken.message
