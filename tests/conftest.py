"""Fixtures: every database test runs on SQLite and on PostgreSQL.

STOPHELING_TEST_DATABASES (default "sqlite,postgresql") picks the databases;
STOPHELING_TEST_PG (default postgresql://postgres@127.0.0.1:5432/test) is the server
where a fresh database is created for the session and dropped afterwards.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from werkzeug.security import generate_password_hash

from stopheling.accounts.models import User
from stopheling.accounts.users import set_role
from stopheling.app import create_app
from stopheling.extensions import db

DATABASES = os.environ.get("STOPHELING_TEST_DATABASES", "sqlite,postgresql").split(",")
PG_ADMIN_URL = os.environ.get("STOPHELING_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
KEEP_TABLES = {"police_units", "municipalities", "alembic_version"}


def _pg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request, tmp_path_factory) -> Iterator[str]:
    """A migrated, empty database for this test session (reference data loaded)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        _migrate(url)
        yield url
        return
    name = f"stopheling_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = sa.create_engine(_pg(PG_ADMIN_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = _pg(PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name)
    try:
        _migrate(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _migrate(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade()
        db.engine.dispose()


def make_app(database_url: str, **overrides):
    config = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "TESTING": True,
        "WTF_CSRF_ENABLED": True,
        "CHECK_RATE_LIMIT": "10000/minute",
        "SCAN_RATE_LIMIT": "10000/minute",
        "REPORT_RATE_LIMIT": "10000/minute",
        "LOGIN_RATE_LIMIT": "10000/minute",
    }
    return create_app(config | overrides)


def _empty(app) -> None:
    with app.app_context():
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEEP_TABLES]
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                names = ", ".join(t.name for t in tables)
                conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(table.delete())
        db.engine.dispose()


@pytest.fixture
def app(database_url):
    app = make_app(database_url)
    yield app
    _empty(app)


@pytest.fixture
def app_with(database_url):
    """Build an app with other settings; emptied and closed after the test."""
    made = []

    def build(**overrides):
        made.append(make_app(database_url, **overrides))
        return made[-1]

    yield build
    for app in made:
        _empty(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(app):
    with app.app_context():
        yield db.session


@pytest.fixture
def police_token(app):
    """A police token of unit AM (Amsterdam)."""
    from stopheling.accounts.tokens import create_token

    with app.app_context():
        token = create_token(db.session, kind="police", police_unit="AM")
        db.session.commit()
    return token


@pytest.fixture
def add_items(app):
    """Put items into the register through the import service; returns their refs."""
    from stopheling.stolen.models import StolenItem
    from stopheling.stolen.register import import_lines

    def add(*items: dict) -> list[str]:
        import json

        lines = []
        for n, item in enumerate(items):
            full = {
                "police_unit": "AM", "reported_on": date(2026, 10, 2).isoformat(),
                "source_id": f"T-{secrets.token_hex(4)}-{n}",
            } | item  # fmt: skip
            lines.append(json.dumps(full))
        with app.app_context():
            report = import_lines(db.session, lines, actor="test")
            assert report.rejected == 0, report.errors
            db.session.commit()
            refs = []
            for line in lines:
                data = json.loads(line)
                refs.append(
                    db.session.scalar(
                        sa.select(StolenItem.ref).where(
                            StolenItem.source_id == data["source_id"],
                            StolenItem.police_unit_code == data["police_unit"],
                        )
                    )
                )
            return refs

    return add


# --- people with a role, logged in through the login page -------------------------

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
