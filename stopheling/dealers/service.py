"""Dealers: sign-up (the notice to the mayor, art. 437ter Sr), the municipality's decision,
and the dealer's own API tokens. Services flush; callers commit."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.audit import record
from ..accounts.models import ApiToken, User
from ..accounts.tokens import create_token
from ..accounts.users import create_user
from ..errors import NotFound, Unprocessable
from ..reference.data import CATEGORIES
from ..reference.models import Municipality
from ..stolen.models import utcnow
from .messages import N_, RegisterRefused
from .models import Dealer, RegisterHead

# Allowed status changes: (from, to). A rejected notice stays rejected (a new one is made).
TRANSITIONS = {
    ("pending", "approved"), ("pending", "rejected"),
    ("approved", "suspended"), ("suspended", "approved"),
}  # fmt: skip


def _text(value: str, name: str, label: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise RegisterRefused(
            N_("Vul in: %(label)s."), code="missing_field", field=name, label=label
        )
    if len(value) > limit:
        raise RegisterRefused(
            N_("Te lang: %(label)s (hoogstens %(limit)s tekens)."),
            code="too_long", field=name, label=label, limit=limit,
        )  # fmt: skip
    return value


def register_dealer(
    session: Session, *, name: str, kvk: str, address: str, postcode: str, city: str,
    municipality: str, categories: list[str], email: str, password: str, phone: str = "",
    starts_on: date | None = None, person_name: str = "",
) -> Dealer:  # fmt: skip
    """A new business (status pending) and its first user (role dealer)."""
    kvk = re.sub(r"\s", "", kvk or "")
    if not re.fullmatch(r"\d{8}", kvk):
        raise RegisterRefused(
            N_("Het KvK-nummer bestaat uit 8 cijfers."), code="invalid_kvk", field="kvk"
        )
    if session.get(Municipality, municipality or "") is None:
        raise RegisterRefused(
            N_("Kies de gemeente waar u handelt."),
            code="unknown_municipality",
            field="municipality",
        )
    chosen = [c for c in categories if c in CATEGORIES]
    if not chosen or len(chosen) != len(categories):
        raise RegisterRefused(
            N_("Kies de soorten goederen waarin u handelt."), code="missing_categories",
            field="categories",
        )  # fmt: skip
    taken = session.scalar(
        select(Dealer.id).where(Dealer.kvk == kvk, Dealer.municipality_code == municipality)
    )
    if taken is not None:
        raise RegisterRefused(
            N_("Dit KvK-nummer is in deze gemeente al aangemeld."), code="dealer_exists",
            field="kvk",
        )  # fmt: skip
    dealer = Dealer(
        name=_text(name, "name", N_("naam van het bedrijf"), 200), kvk=kvk,
        address=_text(address, "address", N_("adres"), 200),
        postcode=_text(postcode, "postcode", N_("postcode"), 10).upper(),
        city=_text(city, "city", N_("plaats"), 100), municipality_code=municipality,
        categories=",".join(chosen), email=(email or "").strip().lower(),
        phone=(phone or "").strip()[:40], starts_on=starts_on, status="pending",
        created_at=utcnow(),
    )  # fmt: skip
    session.add(dealer)
    session.flush()
    user = create_user(
        session, email=email, password=password, role="dealer", name=person_name.strip()[:100]
    )
    user.dealer_id = dealer.id
    session.add_all(
        [RegisterHead(dealer_id=dealer.id, register=r, last_number=0, last_hash="")
         for r in ("purchase", "sale")]
    )  # fmt: skip
    record(
        session, actor=f"user:{user.id}", action="dealer_notice", subject=f"dealer:{dealer.id}",
        reason="melding opkoper (art. 437ter Sr)",
    )  # fmt: skip
    session.flush()
    return dealer


def decide_dealer(
    session: Session, dealer: Dealer, *, approve: bool, actor: str, note: str = ""
) -> Dealer:
    """The municipality approves or rejects a pending notice."""
    if dealer.status != "pending":
        raise Unprocessable("This dealer has already been decided on.", code="already_decided")
    return set_dealer_status(
        session, dealer, "approved" if approve else "rejected", actor=actor, note=note
    )


def set_dealer_status(
    session: Session, dealer: Dealer, status: str, *, actor: str, note: str = ""
) -> Dealer:
    """Change a dealer's status along TRANSITIONS; written to the audit log."""
    if (dealer.status, status) not in TRANSITIONS:
        raise Unprocessable(
            f"A dealer cannot go from {dealer.status} to {status}.", code="invalid_transition"
        )
    dealer.status, dealer.decided_at, dealer.decided_by = status, utcnow(), actor
    dealer.decision_note = note.strip()[:2000] or None
    record(
        session, actor=actor, action=f"dealer_{status}", subject=f"dealer:{dealer.id}",
        reason=note.strip()[:200] or "besluit gemeente",
    )  # fmt: skip
    session.flush()
    return dealer


def dealers_of_municipality(
    session: Session, municipality_code: str, status: str | None = None
) -> list[Dealer]:
    stmt = select(Dealer).where(Dealer.municipality_code == municipality_code)
    if status:
        stmt = stmt.where(Dealer.status == status)
    return list(session.scalars(stmt.order_by(Dealer.status, Dealer.name)))


def dealer_in_municipality(session: Session, dealer_id: int, municipality_code: str) -> Dealer:
    """The dealer if it trades in the municipality; NotFound otherwise (no probing)."""
    dealer = session.get(Dealer, dealer_id)
    if dealer is None or dealer.municipality_code != municipality_code:
        raise NotFound("No such dealer.", code="unknown_dealer")
    return dealer


def dealer_of(session: Session, user: User) -> Dealer:
    """The business of a dealer-role user; NotFound when none is linked."""
    dealer = session.get(Dealer, user.dealer_id) if user.dealer_id else None
    if dealer is None:
        raise NotFound("No business is linked to this account.", code="no_dealer")
    return dealer


def dealer_user(session: Session, dealer_id: int) -> User:
    """The first user of a dealer (the one who signed up)."""
    user = session.scalar(select(User).where(User.dealer_id == dealer_id).order_by(User.id))
    if user is None:
        raise NotFound("No user for this dealer.", code="no_user")
    return user


def municipality_addresses(session: Session, municipality_code: str) -> list[str]:
    """The e-mail addresses of the municipality's active officers."""
    return list(
        session.scalars(
            select(User.email).where(
                User.role == "municipality",
                User.municipality_code == municipality_code,
                User.active.is_(True),
            )
        )
    )


def dealer_tokens(session: Session, dealer_id: int) -> list[ApiToken]:
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.kind == "dealer", ApiToken.dealer_id == dealer_id)
            .order_by(ApiToken.id.desc())
        )
    )


def new_dealer_token(session: Session, dealer: Dealer, *, label: str, actor: str) -> str:
    token = create_token(session, kind="dealer", dealer_id=dealer.id, label=label.strip()[:100])
    record(
        session, actor=actor, action="dealer_token", subject=f"dealer:{dealer.id}",
        reason="API-sleutel aangemaakt",
    )  # fmt: skip
    return token


def revoke_dealer_token(session: Session, dealer: Dealer, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.kind != "dealer" or token.dealer_id != dealer.id:
        raise NotFound("No such token.", code="unknown_token")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    session.flush()
