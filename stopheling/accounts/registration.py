"""Residents' own accounts: register, confirm the address, reset a forgotten password,
change address and password, delete everything.

Links in mails carry signed, timed tokens (itsdangerous). A confirmation token names the
address it confirms, so the same link confirms a new account and a changed address (the
address changes only when the link in the mail to the new address is opened). A reset
token is bound to the current password hash: once the password changes, every reset link
sent before stops working. Services flush; callers commit and send the mails.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from ..errors import Unprocessable
from ..stolen.models import utcnow
from .models import User
from .users import MIN_PASSWORD, create_user, hash_password, normalize_email

CONFIRM_MAX_AGE = 7 * 24 * 3600
RESET_MAX_AGE = 3600
MAX_PASSWORD = 1000
MAX_NAME = 100


@dataclass(frozen=True, slots=True)
class Registered:
    """The outcome of a registration: a new account, or the existing one at that address
    (the page says the same in both cases; the mail differs)."""

    user: User
    new: bool


def _serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=f"stopheling-account-{purpose}")


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Unprocessable(
            f"A password has at least {MIN_PASSWORD} characters.", code="weak_password"
        )
    if len(password) > MAX_PASSWORD:
        raise Unprocessable("A password has at most 1000 characters.", code="long_password")


def register(session: Session, *, email: str, password: str, name: str) -> Registered:
    """A new citizen account (unconfirmed), or the existing account at this address."""
    check_password_rules(password)
    name = name.strip()
    if len(name) > MAX_NAME:
        raise Unprocessable("A name has at most 100 characters.", code="long_name")
    existing = find_by_email(session, email)
    if existing is not None:
        return Registered(existing, new=False)
    user = create_user(session, email=email, password=password, role="citizen", name=name)
    return Registered(user, new=True)


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == normalize_email(email)))


def confirmation_token(secret: str, user: User, email: str | None = None) -> str:
    return str(_serializer(secret, "confirm").dumps({"id": user.id, "email": email or user.email}))


def confirm(session: Session, secret: str, token: str) -> User:
    """Confirm the address named in ``token`` (a new account's, or a changed address)."""
    data = _load(secret, "confirm", token, CONFIRM_MAX_AGE)
    user = session.get(User, data.get("id"))
    email = normalize_email(str(data.get("email", "")))
    if user is None or not email:
        raise Unprocessable("This link is not valid.", code="invalid_link")
    if email != user.email:
        other = find_by_email(session, email)
        if other is not None and other.id != user.id:
            raise Unprocessable(
                "There is already an account with this address.", code="email_taken"
            )
        user.email = email
    user.email_confirmed_at = utcnow()
    session.flush()
    return user


def reset_token(secret: str, user: User) -> str:
    return str(
        _serializer(secret, "reset").dumps({"id": user.id, "pw": password_fingerprint(user)})
    )


def user_for_reset(session: Session, secret: str, token: str) -> User:
    """The user a reset link is for, while the link is valid and unused."""
    data = _load(secret, "reset", token, RESET_MAX_AGE)
    user = session.get(User, data.get("id"))
    if user is None or data.get("pw") != password_fingerprint(user) or not user.active:
        raise Unprocessable("This link has been used or is no longer valid.", code="invalid_link")
    return user


def reset_password(session: Session, secret: str, token: str, password: str) -> User:
    user = user_for_reset(session, secret, token)
    check_password_rules(password)
    user.password_hash = hash_password(password)
    # Opening the mailed link proves the address as well.
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    session.flush()
    return user


def password_fingerprint(user: User) -> str:
    """A short digest of the password hash: changes whenever the password does."""
    return hashlib.sha256(user.password_hash.encode("utf-8")).hexdigest()[:32]


def _load(secret: str, purpose: str, token: str, max_age: int) -> dict[str, Any]:
    try:
        data = _serializer(secret, purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise Unprocessable("This link has expired.", code="expired_link") from exc
    except BadSignature as exc:
        raise Unprocessable("This link is not valid.", code="invalid_link") from exc
    if not isinstance(data, dict):
        raise Unprocessable("This link is not valid.", code="invalid_link")
    return data


def verify_password(user: User, password: str) -> None:
    if not check_password_hash(user.password_hash, password):
        raise Unprocessable("The current password is not correct.", code="wrong_password")


def request_email_change(session: Session, user: User, *, new_email: str, password: str) -> str:
    """Check the password and the new address; returns the normalized address to which
    the confirmation goes. Nothing changes until that link is opened."""
    verify_password(user, password)
    email = normalize_email(new_email)
    if not email or "@" not in email or len(email) > 254:
        raise Unprocessable("Give a valid e-mail address.", code="invalid_email")
    if email == user.email:
        raise Unprocessable("This is already your address.", code="same_email")
    if find_by_email(session, email) is not None:
        raise Unprocessable("There is already an account with this address.", code="email_taken")
    return email


def change_password(session: Session, user: User, *, current: str, new: str) -> None:
    verify_password(user, current)
    check_password_rules(new)
    user.password_hash = hash_password(new)
    session.flush()


def change_name(session: Session, user: User, name: str) -> None:
    name = name.strip()
    if len(name) > MAX_NAME:
        raise Unprocessable("A name has at most 100 characters.", code="long_name")
    user.name = name
    session.flush()
