"""The purchase and sales registers: refusals, numbers, the chain, holds, corrections."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from stopheling.dealers import register as reg
from stopheling.dealers.models import (
    Dealer,
    MunicipalityRegisterSettings,
    PurchaseEntry,
    RegisterHead,
    SaleEntry,
)
from stopheling.dealers.rules import LOCAL, RegisterRules, last_hold_day, sellable_from
from stopheling.dealers.sales import record_sale
from stopheling.extensions import db

from .conftest import NOW, purchase_input, sale_input


def record(dealer_id, now=NOW, **overrides):
    dealer = db.session.get(Dealer, dealer_id)
    entry = reg.record_purchase(
        db.session, dealer, purchase_input(**overrides), actor="user:1", now=now
    )
    db.session.commit()
    return entry


def counts(dealer_id):
    entries = db.session.scalar(
        sa.select(sa.func.count()).where(PurchaseEntry.dealer_id == dealer_id)
    )
    head = db.session.get(RegisterHead, (dealer_id, "purchase"))
    return entries, head.last_number


def test_numbers_are_consecutive_and_the_chain_verifies(app, make_dealer):
    dealer_id = make_dealer()
    with app.app_context():
        entries = [record(dealer_id, identifiers=(("serial", f"SN-{n}-XYZ"),)) for n in range(5)]
        assert [e.number for e in entries] == [1, 2, 3, 4, 5]
        assert entries[0].prev_hash == ""
        assert all(b.prev_hash == a.hash for a, b in zip(entries, entries[1:], strict=False))
        assert reg.verify_register(db.session, dealer_id) is None


def test_each_dealer_has_its_own_numbers(app, make_dealer):
    a, b = make_dealer(), make_dealer()
    with app.app_context():
        assert record(a).number == 1
        assert record(b).number == 1
        assert record(a).number == 2


@pytest.mark.parametrize(
    ("sql", "number"),
    [
        ("UPDATE purchase_entries SET price_cents = 1 WHERE number = 2", 2),
        ("UPDATE purchase_entries SET seller_surname = 'Anders' WHERE number = 3", 3),
        ("UPDATE purchase_identifiers SET raw = 'OTHER123' WHERE entry_id = "
         "(SELECT id FROM purchase_entries WHERE number = 2)", 2),
        ("DELETE FROM purchase_identifiers WHERE entry_id = "
         "(SELECT id FROM purchase_entries WHERE number = 3)", 3),
    ],
)  # fmt: skip
def test_a_change_in_the_database_is_named_by_verify(app, make_dealer, sql, number):
    dealer_id = make_dealer()
    with app.app_context():
        for n in range(4):
            record(dealer_id, identifiers=(("serial", f"SERIAL-{n}-ABC"),))
        db.session.execute(sa.text(sql))
        db.session.commit()
        broken = reg.verify_register(db.session, dealer_id)
        assert broken is not None and broken.number == number
        assert str(number) in broken.message


def test_a_deleted_entry_is_named_by_verify(app, make_dealer):
    dealer_id = make_dealer()
    with app.app_context():
        for _ in range(3):
            record(dealer_id)
        for number in (2, 3):
            entry_id = db.session.scalar(
                sa.select(PurchaseEntry.id).where(
                    PurchaseEntry.dealer_id == dealer_id, PurchaseEntry.number == number
                )
            )
            db.session.execute(
                sa.text(f"DELETE FROM purchase_identifiers WHERE entry_id = {entry_id}")
            )
            db.session.execute(sa.text(f"DELETE FROM purchase_entries WHERE id = {entry_id}"))
            db.session.commit()
            broken = reg.verify_register(db.session, dealer_id)
            assert broken is not None and broken.number == 2, (number, broken)


def test_erasure_keeps_the_chain_verifiable(app, make_dealer):
    dealer_id = make_dealer()
    with app.app_context():
        first = record(dealer_id)
        record(dealer_id)
        reg.erase_purchase_personal_data(db.session, first, now=NOW)
        db.session.commit()
        db.session.expire_all()
        erased = db.session.get(PurchaseEntry, first.id)
        assert erased.seller_surname is None and erased.seller_birth_date is None
        assert erased.erased_at is not None
        assert reg.verify_register(db.session, dealer_id) is None


@pytest.mark.parametrize(
    ("overrides", "code", "words"),
    [
        ({"seller_birth_date": date(2009, 1, 1)}, "seller_under_18", "jonger dan 18"),
        # 18 tomorrow is still 17 today
        ({"seller_birth_date": date(2008, 12, 2)}, "seller_under_18", "437bis"),
        ({"seller_birth_place": "  "}, "missing_field", "geboorteplaats van de verkoper"),
        ({"seller_address": ""}, "missing_field", "adres van de verkoper"),
        ({"description": ""}, "missing_field", "omschrijving"),
        ({"price_cents": None}, "missing_field", "prijs"),
        ({"acquired_at": None}, "missing_field", "datum en tijd van verkrijging"),
        ({"acquired_at": NOW + timedelta(days=1)}, "in_the_future", "toekomst"),
        ({"terms": "stolen"}, "missing_field", "voorwaarden"),
    ],
)
def test_refused_purchases_leave_no_trace_and_use_no_number(
    app, make_dealer, overrides, code, words
):
    dealer_id = make_dealer()
    with app.app_context():
        record(dealer_id)
        with pytest.raises(reg.RegisterRefused) as refused:
            record(dealer_id, **overrides)
        db.session.rollback()
        assert refused.value.code == code
        assert words in refused.value.message
        assert counts(dealer_id) == (1, 1)
        assert record(dealer_id).number == 2


def test_eighteen_today_may_sell(app, make_dealer):
    dealer_id = make_dealer()
    with app.app_context():
        assert record(dealer_id, seller_birth_date=date(2008, 12, 1)).number == 1


def test_id_document_required_by_the_municipality(app, make_dealer):
    dealer_id = make_dealer()
    no_id = {"seller_id_type": "", "seller_id_number": "", "seller_id_country": ""}
    with app.app_context():
        assert record(dealer_id, **no_id).number == 1  # defaults: not required for a phone
        db.session.add(
            MunicipalityRegisterSettings(
                municipality_code="GM0363", id_required_for_all_sellers=True
            )
        )
        db.session.commit()
        with pytest.raises(reg.RegisterRefused) as refused:
            record(dealer_id, **no_id)
        db.session.rollback()
        assert refused.value.field == "seller_id_type"
        assert "soort identiteitsbewijs" in refused.value.message
        assert counts(dealer_id) == (1, 1)


def test_copper_paid_in_cash_always_needs_the_id_document(app, make_dealer):
    dealer_id = make_dealer()
    no_id = {"seller_id_type": "", "seller_id_number": "", "seller_id_country": ""}
    with app.app_context():
        copper = {"category": "metaal", "identifiers": (), "photo": b"\x89PNG\r\n\x1a\n...."}
        assert record(dealer_id, **copper, **no_id, paid_in_cash=False).number == 1
        with pytest.raises(reg.RegisterRefused) as refused:
            record(dealer_id, **copper, **no_id, paid_in_cash=True)
        db.session.rollback()
        assert refused.value.field == "seller_id_type"
        half = {"seller_id_type": "passport", "seller_id_number": "", "seller_id_country": "NL"}
        with pytest.raises(reg.RegisterRefused) as refused:
            record(dealer_id, **copper, **half, paid_in_cash=True)
        db.session.rollback()
        assert refused.value.field == "seller_id_number"
        assert counts(dealer_id) == (1, 1)


def test_photo_required_for_goods_without_a_number(app, make_dealer):
    dealer_id = make_dealer()
    with app.app_context():
        with pytest.raises(reg.RegisterRefused) as refused:
            record(dealer_id, category="sieraden", identifiers=())
        db.session.rollback()
        assert refused.value.code == "missing_photo"
        entry = record(dealer_id, category="sieraden", identifiers=(), photo=b"\xff\xd8\xff\xe0x")
        assert entry.photo_type == "image/jpeg"


def test_a_dealer_not_approved_cannot_record(app, make_dealer):
    for status in ("pending", "suspended", "rejected"):
        dealer_id = make_dealer(status=status)
        with app.app_context():
            with pytest.raises(reg.RegisterRefused) as refused:
                record(dealer_id)
            db.session.rollback()
            assert refused.value.code == "dealer_not_approved"


def test_a_correction_is_a_new_entry_that_names_the_old_one(app, make_dealer):
    dealer_id = make_dealer()
    with app.app_context():
        first = record(dealer_id, price_cents=1000)
        with pytest.raises(reg.RegisterRefused):
            record(dealer_id, corrects_number=1)  # a reason is required
        db.session.rollback()
        with pytest.raises(reg.RegisterRefused):
            record(dealer_id, corrects_number=9, correction_reason="typo")
        db.session.rollback()
        fixed = record(dealer_id, price_cents=10000, corrects_number=1, correction_reason="typfout")
        assert (fixed.number, fixed.corrects_number) == (2, 1)
        assert db.session.get(PurchaseEntry, first.id).price_cents == 1000  # never changed
        assert reg.verify_register(db.session, dealer_id) is None
        # the corrected entry can no longer be sold; the correction can
        with pytest.raises(reg.RegisterRefused) as refused:
            record_sale(
                db.session, db.session.get(Dealer, dealer_id), sale_input(1), actor="t",
                now=NOW + timedelta(days=10),
            )  # fmt: skip
        db.session.rollback()
        assert refused.value.code == "corrected_entry"
        sale = record_sale(
            db.session, db.session.get(Dealer, dealer_id), sale_input(2), actor="t",
            now=NOW + timedelta(days=10),
        )  # fmt: skip
        assert sale.number == 1


def test_hold_in_working_days_skips_the_weekend():
    rules = RegisterRules(hold_period=5, hold_unit="working_days")
    assert last_hold_day(date(2026, 12, 4), rules) == date(2026, 12, 11)  # Fri -> next Fri
    assert last_hold_day(date(2026, 12, 1), rules) == date(2026, 12, 8)  # Tue -> next Tue
    assert last_hold_day(date(2026, 12, 5), rules) == date(2026, 12, 11)  # Sat -> Fri
    days = RegisterRules(hold_period=5, hold_unit="days")
    assert last_hold_day(date(2026, 12, 4), days) == date(2026, 12, 9)
    assert last_hold_day(date(2026, 12, 4), RegisterRules(hold_period=0)) is None


def test_hold_counts_from_the_later_of_acquisition_and_recording():
    rules = RegisterRules(hold_period=3, hold_unit="days")
    acquired = datetime(2026, 11, 1, 12, 0, tzinfo=LOCAL)
    recorded = datetime(2026, 12, 1, 12, 0, tzinfo=LOCAL)
    assert sellable_from(acquired, recorded, rules) == datetime(2026, 12, 5, tzinfo=LOCAL)


def test_a_sale_in_the_hold_period_is_refused_with_the_date(app, make_dealer):
    dealer_id = make_dealer()
    with app.app_context():
        db.session.add(
            MunicipalityRegisterSettings(
                municipality_code="GM0363", hold_period=5, hold_unit="working_days"
            )
        )
        db.session.commit()
        record(dealer_id)  # Tuesday 1 December 2026
        dealer = db.session.get(Dealer, dealer_id)
        early = NOW + timedelta(days=6)  # Monday 7 December
        with pytest.raises(reg.RegisterRefused) as refused:
            record_sale(db.session, dealer, sale_input(1, sold_at=early), actor="t", now=early)
        db.session.rollback()
        assert refused.value.code == "hold_period"
        assert "tot en met 08-12-2026" in refused.value.message
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SaleEntry)) == 0
        later = NOW + timedelta(days=7)  # Tuesday 8 December, 10:00 UTC: still the last day
        with pytest.raises(reg.RegisterRefused):
            record_sale(db.session, dealer, sale_input(1, sold_at=later), actor="t", now=later)
        db.session.rollback()
        ok = NOW + timedelta(days=8)
        assert record_sale(
            db.session, dealer, sale_input(1, sold_at=ok), actor="t", now=ok
        ).number == 1  # fmt: skip
        db.session.commit()
        with pytest.raises(reg.RegisterRefused) as again:
            record_sale(db.session, dealer, sale_input(1, sold_at=ok), actor="t", now=ok)
        db.session.rollback()
        assert again.value.code == "already_sold"
        assert reg.verify_register(db.session, dealer_id, "sale") is None


def test_sales_chain_catches_a_change(app, make_dealer):
    dealer_id = make_dealer()
    with app.app_context():
        dealer = db.session.get(Dealer, dealer_id)
        later = NOW + timedelta(days=10)
        for n in range(3):
            record(dealer_id, identifiers=(("serial", f"SALECHAIN{n}"),))
            record_sale(db.session, dealer, sale_input(n + 1), actor="t", now=later)
            db.session.commit()
        db.session.execute(sa.text("UPDATE sale_entries SET buyer_name = 'X' WHERE number = 2"))
        db.session.commit()
        broken = reg.verify_register(db.session, dealer_id, "sale")
        assert broken is not None and broken.number == 2
