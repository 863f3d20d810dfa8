"""Builders for the buyer-register tests: dealers, purchase inputs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from stopheling.dealers.register import PurchaseInput
from stopheling.dealers.sales import SaleInput
from stopheling.dealers.service import register_dealer, set_dealer_status
from stopheling.extensions import db

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # a Tuesday


def purchase_input(**overrides) -> PurchaseInput:
    values = {
        "acquired_at": NOW - timedelta(hours=1), "category": "telefoon",
        "description": "Zwarte telefoon, barst in de hoek", "price_cents": 12500,
        "terms": "purchase", "seller_surname": "Jansen", "seller_first_names": "Piet Klaas",
        "seller_birth_date": date(1990, 5, 17), "seller_birth_place": "Utrecht",
        "seller_address": "Voorbeeldstraat 1, 1234 AB Utrecht",
        "identifiers": (("imei", "35 693803 564380 9"),), "brand": "Fairphone", "model": "4",
        "seller_id_type": "id_card", "seller_id_number": "IX1234567",
        "seller_id_country": "NL",
    }  # fmt: skip
    return PurchaseInput(**(values | overrides))


def sale_input(number: int, **overrides) -> SaleInput:
    values = {
        "purchase_number": number, "sold_at": NOW + timedelta(days=10), "price_cents": 20000,
        "buyer_name": "K. de Koper", "buyer_address": "Marktplein 2, 3511 AA Utrecht",
    }  # fmt: skip
    return SaleInput(**(values | overrides))


@pytest.fixture
def make_dealer(app):
    """A dealer business (approved unless said otherwise) with one user; returns its id."""
    counter = iter(range(10_000_000, 99_999_999, 7919))

    def make(municipality: str = "GM0363", status: str = "approved", email: str | None = None):
        kvk = f"{next(counter):08d}"
        with app.app_context():
            dealer = register_dealer(
                db.session, name=f"Opkoper {kvk}", kvk=kvk, address="Handelsweg 3",
                postcode="1011 AA", city="Amsterdam", municipality=municipality,
                categories=["telefoon", "fiets", "metaal", "sieraden"],
                email=email or f"dealer-{kvk}@example.invalid",
                password="a long enough password", phone="020 123 4567",
            )  # fmt: skip
            if status != "pending":
                target = "approved" if status in ("approved", "suspended") else status
                set_dealer_status(db.session, dealer, target, actor="test")
                if status == "suspended":
                    set_dealer_status(db.session, dealer, "suspended", actor="test")
            db.session.commit()
            return dealer.id

    return make
