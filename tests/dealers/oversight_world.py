"""Builders for the oversight, inspection and retention tests: officers and a small world of
two municipalities, each with a dealer and register entries (helpers, not fixtures)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from stopheling.accounts.models import User
from stopheling.accounts.users import set_role
from stopheling.dealers import register as reg
from stopheling.dealers.models import Dealer
from stopheling.dealers.oversight import grant_access
from stopheling.dealers.sales import record_sale
from stopheling.extensions import db
from tests.conftest import HASH, PASSWORD

from .conftest import NOW, purchase_input, sale_input

X, Y = "GM0363", "GM0599"  # Amsterdam (police unit AM) and Rotterdam (unit RT)
DEALER_PASSWORD = "a long enough password"  # tests/dealers/conftest.make_dealer


def make_officer(
    email: str,
    role: str,
    *,
    unit: str | None = None,
    municipality: str | None = None,
    grant_by: str | None = None,
) -> int:
    """A user with ``role``; a BOA gets a grant from ``grant_by`` (its municipality)."""
    user = User(email=email, password_hash=HASH)
    set_role(db.session, user, role, police_unit=unit, municipality=municipality)
    db.session.add(user)
    db.session.flush()
    if grant_by is not None:
        grant_access(db.session, grant_by, user.id, domain="I", basis="akte 2026-17", actor="test")
    db.session.commit()
    return user.id


def record(dealer_id: int, now=NOW, **overrides):
    dealer = db.session.get(Dealer, dealer_id)
    overrides.setdefault("acquired_at", now - timedelta(hours=1))
    entry = reg.record_purchase(
        db.session, dealer, purchase_input(**overrides), actor="user:1", now=now
    )
    db.session.commit()
    return entry


def sell(dealer_id: int, number: int, now=NOW + timedelta(days=10), **overrides):
    dealer = db.session.get(Dealer, dealer_id)
    entry = record_sale(db.session, dealer, sale_input(number, **overrides), actor="t", now=now)
    db.session.commit()
    return entry


def login(client, email: str, password: str = PASSWORD):
    html = client.get("/inloggen").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    data = {"email": email, "password": password}
    if match:
        data["csrf_token"] = match.group(1)
    response = client.post("/inloggen", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@dataclass
class World:
    dealer_a: int = 0  # in X
    dealer_b: int = 0  # in Y
    users: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)


SERIAL_A, SERIAL_B = "SN-AAA-123456", "SN-BBB-987654"
ID_A, ID_B = "IXA111111", "IXB222222"
BRAND_A, BRAND_B = "Alfamerk", "Betamerk"


def build_world(app, make_dealer) -> World:
    """Dealer A in Amsterdam and dealer B in Rotterdam, each with two purchases (one sold),
    and an officer of every kind on both sides."""
    world = World()
    world.dealer_a = make_dealer(X, email="dealer-a@example.invalid")
    world.dealer_b = make_dealer(Y, email="dealer-b@example.invalid")
    world.emails |= {"dealer_a": "dealer-a@example.invalid", "dealer_b": "dealer-b@example.invalid"}
    with app.app_context():
        for dealer, serial, id_number, surname, brand in (
            (world.dealer_a, SERIAL_A, ID_A, "Aalbers", BRAND_A),
            (world.dealer_b, SERIAL_B, ID_B, "Bakker", BRAND_B),
        ):
            record(
                dealer,
                brand=brand,
                identifiers=(("serial", serial),),
                seller_id_number=id_number,
                seller_surname=surname,
                now=NOW - timedelta(days=20),
                acquired_at=NOW - timedelta(days=20, hours=1),
            )
            record(dealer, now=NOW - timedelta(days=3), acquired_at=NOW - timedelta(days=3))
            sell(dealer, 1, now=NOW - timedelta(days=1), sold_at=NOW - timedelta(days=1))
        officers = {
            "municipality_x": ("municipality", {"municipality": X}),
            "municipality_y": ("municipality", {"municipality": Y}),
            "boa_x": ("boa", {"municipality": X, "grant_by": X}),
            "boa_x_no_grant": ("boa", {"municipality": X}),
            "boa_y": ("boa", {"municipality": Y, "grant_by": Y}),
            "police_am": ("police", {"unit": "AM"}),
            "police_rt": ("police", {"unit": "RT"}),
            "citizen": ("citizen", {}),
            "admin": ("admin", {}),
        }
        for name, (role, options) in officers.items():
            email = f"{name.replace('_', '-')}@example.invalid"
            world.users[name] = make_officer(email, role, **options)
            world.emails[name] = email
    return world
