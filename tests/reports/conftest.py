"""Builders for the report tests: people with a role, logged in through the login page."""

from __future__ import annotations

import re

import pytest
from werkzeug.security import generate_password_hash

from stopheling.accounts.models import User
from stopheling.accounts.users import set_role
from stopheling.extensions import db

PASSWORD = "correct horse battery"
# scrypt is slow on purpose (0.4 s here); the tests' accounts use a cheap cost parameter,
# which the stored hash carries, so that logging in does not dominate the test time.
HASH = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")


@pytest.fixture
def make_user(app):
    def make(role: str, unit: str | None = None, email: str | None = None) -> str:
        email = email or f"{role}-{unit or 'x'}@example.invalid".lower()
        with app.app_context():
            user = User(email=email, password_hash=HASH)
            set_role(
                db.session,
                user,
                role,
                police_unit=unit,
                municipality="GM0363" if role == "municipality" else None,
            )
            db.session.add(user)
            db.session.commit()
        return email

    return make


def csrf(client, path: str = "/inloggen") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def login(client, make_user):
    """Log ``client`` in as a new user of ``role`` (and ``unit``)."""

    def as_(role: str, unit: str | None = None):
        email = make_user(role, unit)
        r = client.post(
            "/inloggen", data={"email": email, "password": PASSWORD, "csrf_token": csrf(client)}
        )
        assert r.status_code == 302, r.get_data(as_text=True)
        return client

    return as_
