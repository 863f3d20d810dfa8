"""People who log in: create, authenticate, change role. Services flush; callers commit."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import NotFound, Unprocessable
from ..reference.models import Municipality, PoliceUnit
from ..stolen.models import utcnow
from .models import ROLES, User

MIN_PASSWORD = 12
# Checked when the e-mail address is unknown, so that a login takes as long either way
# and nobody learns which addresses have an account.
_DUMMY_HASH = generate_password_hash("not-a-password-at-all", method="scrypt")


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    role: str,
    name: str = "",
    police_unit: str | None = None,
    municipality: str | None = None,
) -> User:
    """A new account; refuses a short password, an unknown role or a missing unit."""
    email = normalize_email(email)
    if not email or "@" not in email:
        raise Unprocessable("Give a valid e-mail address.", code="invalid_email")
    if session.scalar(select(User).where(User.email == email)) is not None:
        raise Unprocessable("There is already an account with this address.", code="email_taken")
    if len(password) < MIN_PASSWORD:
        raise Unprocessable(
            f"A password has at least {MIN_PASSWORD} characters.", code="weak_password"
        )
    user = User(email=email, name=name, password_hash=hash_password(password))
    set_role(session, user, role, police_unit=police_unit, municipality=municipality)
    session.add(user)  # after set_role: a half-made user must never be flushed
    session.flush()
    return user


def set_role(
    session: Session,
    user: User,
    role: str,
    *,
    police_unit: str | None = None,
    municipality: str | None = None,
) -> User:
    """Give ``user`` one role; police officers need their unit, municipalities their code
    (a BOA may have one: the municipality that can grant it access to the registers)."""
    if role not in ROLES:
        raise Unprocessable(f"role must be one of {', '.join(ROLES)}.", code="invalid_role")
    police_unit = (police_unit or "").upper() or None
    if role == "police" and (police_unit is None or session.get(PoliceUnit, police_unit) is None):
        raise Unprocessable("A police officer needs a known police unit.", code="unknown_unit")
    if role == "municipality" and (
        municipality is None or not session.get(Municipality, municipality)
    ):
        raise Unprocessable(
            "A municipality account needs a known municipality.", code="unknown_municipality"
        )
    if role == "boa" and municipality and not session.get(Municipality, municipality):
        raise Unprocessable("Unknown municipality for this BOA.", code="unknown_municipality")
    user.role = role
    user.police_unit_code = police_unit if role == "police" else None
    # A BOA may belong to a municipality, which then grants it register access (issue 6).
    user.municipality_code = municipality if role in ("municipality", "boa") else None
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same cost whether or not known)."""
    user = session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    user.last_login_at = utcnow()
    return user


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such user.", code="unknown_user")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(func.lower(User.email))))


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def normalize_email(email: str) -> str:
    return email.strip().lower()
