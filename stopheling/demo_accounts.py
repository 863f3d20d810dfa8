"""Invented accounts for the quick start, one per role, so that every part can be tried.

Only for a development database: ``stopheling demo`` refuses to make them in production.
Each run gives every demo account a new random password and prints it; the accounts,
the demo dealer and its purchases are invented (``example.invalid`` addresses, made-up
names and numbers).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from .accounts.models import User
from .accounts.users import create_user, hash_password

MUNICIPALITY = "GM0363"  # Amsterdam, in police unit AM
UNIT = "AM"
DEALER_KVK = "99000437"


@dataclass(frozen=True)
class DemoAccount:
    role: str
    email: str
    password: str
    what: str


def _account(session: Session, role: str, email: str, name: str, **where: str) -> DemoAccount:
    password = secrets.token_urlsafe(9)
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        user = create_user(session, email=email, password=password, role=role, name=name, **where)
    else:
        user.password_hash = hash_password(password)
        user.active = True
    user.email_confirmed_at = user.email_confirmed_at or datetime.now(UTC)
    session.flush()
    return DemoAccount(role, email, password, name)


def make(session: Session, stolen_serial: str) -> list[DemoAccount]:
    """Every demo account (created or given a new password); the caller commits.

    The demo dealer is approved and has one purchase whose serial, ``stolen_serial``, is
    in the stolen register: the alert, the hold and the refused sale can all be seen."""
    from .dealers.models import Dealer
    from .dealers.oversight import active_grant, grant_access
    from .dealers.register import PurchaseInput, record_purchase
    from .dealers.service import decide_dealer, register_dealer

    accounts = [
        _account(session, "citizen", "bewoner@example.invalid", "Demo Bewoner (verzonnen)"),
        _account(session, "police", "politie@example.invalid", "Demo Agent (verzonnen)",
                 police_unit=UNIT),
        _account(session, "municipality", "gemeente@example.invalid",
                 "Demo Gemeente (verzonnen)", municipality=MUNICIPALITY),
        _account(session, "boa", "boa@example.invalid", "Demo Boa (verzonnen)",
                 municipality=MUNICIPALITY),
        _account(session, "admin", "beheer@example.invalid", "Demo Beheerder (verzonnen)"),
    ]  # fmt: skip
    boa = session.scalar(select(User).where(User.email == "boa@example.invalid"))
    assert boa is not None
    if active_grant(session, boa) is None:
        grant_access(
            session, MUNICIPALITY, boa.id, domain="I (demo)",
            basis="Demo-akte, domein omvat art. 437-437ter Sr (verzonnen)", actor="demo",
        )  # fmt: skip
    dealer = session.scalar(select(Dealer).where(Dealer.kvk == DEALER_KVK))
    email = "opkoper@example.invalid"
    if dealer is None:
        dealer = register_dealer(
            session, name="Demo Tweedehands (verzonnen)", kvk=DEALER_KVK,
            address="Voorbeeldstraat 1", postcode="9999ZZ", city="Amsterdam",
            municipality=MUNICIPALITY, categories=["computer", "telefoon"], email=email,
            password=secrets.token_urlsafe(16), person_name="Demo Opkoper (verzonnen)",
        )  # fmt: skip
        decide_dealer(session, dealer, approve=True, actor="demo")
        now = datetime.now(UTC)
        for serial, description in ((stolen_serial, "laptop, sticker op de klep (demo)"),
                                    ("DEMOOK00017", "laptop, zilver (demo)")):  # fmt: skip
            record_purchase(
                session, dealer,
                PurchaseInput(
                    acquired_at=now - timedelta(hours=1), category="computer",
                    description=description, price_cents=7500, terms="purchase",
                    seller_surname="Verzonnen", seller_first_names="Demo",
                    seller_birth_date=date(1990, 1, 1), seller_birth_place="Nergenshuizen",
                    seller_address="Proefstraat 2, 9999 ZZ Nergenshuizen",
                    identifiers=(("serial", serial),), seller_id_type="id_card",
                    seller_id_number="DEMO12345", seller_id_country="NL",
                ),
                actor="demo", now=now,
            )  # fmt: skip
    accounts.append(_account(session, "dealer", email, "Demo Opkoper (verzonnen)"))
    return accounts
