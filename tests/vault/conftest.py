"""Fixtures for the vault: an app whose files go to a temporary folder, and residents
(confirmed citizens) logged in through the login page."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest
from PIL import Image

from stopheling.accounts.models import User
from stopheling.extensions import db
from tests.conftest import HASH, PASSWORD, csrf


@pytest.fixture
def files_dir(tmp_path):
    return tmp_path / "vault-files"


@pytest.fixture
def vault_app(app_with, files_dir):
    return app_with(VAULT_FILES_DIR=str(files_dir), ACCOUNT_RATE_LIMIT="10000/minute")


def make_resident(app, email: str, *, confirmed: bool = True, name: str = "Jan Proef") -> int:
    with app.app_context():
        user = User(email=email, password_hash=HASH, role="citizen", name=name)
        user.email_confirmed_at = datetime.now(UTC) if confirmed else None
        db.session.add(user)
        db.session.commit()
        return user.id


def log_in(client, email: str, password: str = PASSWORD):
    r = client.post(
        "/inloggen", data={"email": email, "password": password, "csrf_token": csrf(client)}
    )
    assert r.status_code == 302, r.get_data(as_text=True)
    return client


@pytest.fixture
def resident(vault_app):
    """A confirmed citizen's logged-in client: resident("a@example.invalid")."""

    def make(email: str = "bewoner@example.invalid", **kwargs):
        make_resident(vault_app, email, **kwargs)
        return log_in(vault_app.test_client(), email)

    return make


def jpeg(size=(64, 48), colour="red") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "JPEG")
    return buf.getvalue()


def token_of(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def add_item(client, *, identifiers=(("auto", "SN-4711-XK"),), files=(), **fields) -> str:
    """Post the new-item form; returns the item's path (/spullen/<id>)."""
    data = {"csrf_token": token_of(client, "/spullen/nieuw"), "category": "computer"} | fields
    for n, (kind, text) in enumerate(identifiers):
        data[f"identifiers-{n}-kind"], data[f"identifiers-{n}-text"] = kind, text
    for name, content, filename in files:
        data.setdefault(name, []).append((io.BytesIO(content), filename))
    r = client.post("/spullen/nieuw", data=data, content_type="multipart/form-data")
    assert r.status_code == 303, r.get_data(as_text=True)
    return r.headers["Location"]


def stored_files(files_dir) -> list:
    return sorted(p.name for p in files_dir.iterdir()) if files_dir.exists() else []
