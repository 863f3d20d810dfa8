"""Residents' accounts: register, confirm through the mailed link, log in, reset a
forgotten password (once), change name, address and password, delete everything; rate
limits, CSRF and cookie flags. Without an SMTP host the mails go to the log (development),
which is where these tests read them."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import func, select

from stopheling.accounts.models import AuditLog, User
from stopheling.extensions import db
from stopheling.vault.models import VaultItem

from .conftest import add_item, jpeg, log_in, make_resident, stored_files, token_of

PASSWORD = "een heel lang wachtwoord"


@pytest.fixture
def mails(caplog):
    """The links in the mails written to the log (no SMTP host), each once, oldest first."""
    caplog.set_level(logging.INFO, logger="stopheling.accounts.mail")

    def links() -> list[str]:
        text = "\n".join(
            r.getMessage() for r in caplog.records if "mail (no SMTP host" in r.getMessage()
        )
        return list(dict.fromkeys(re.findall(r"http://127\.0\.0\.1:8000(/\S+)", text)))

    return links


def register(client, email="nieuw@example.invalid", password=PASSWORD, name="Anna de Vries"):
    token = token_of(client, "/registreren")
    return client.post(
        "/registreren",
        data={"csrf_token": token, "email": email, "password": password, "name": name},
    )


def test_register_confirm_and_log_in(vault_app, mails):
    client = vault_app.test_client()
    r = register(client)
    assert (
        r.status_code == 200 and "Kijk in uw mail" in r.text and "nieuw@example.invalid" in r.text
    )
    log_in(client, "nieuw@example.invalid", PASSWORD)
    assert "Bevestig eerst uw e-mailadres" in client.get("/spullen/").text
    [link] = {url for url in mails() if "/account/bevestigen/" in url}
    assert client.get(link).status_code == 303  # logged in: straight to the vault
    assert "Mijn spullen" in client.get("/spullen/").text
    with vault_app.app_context():
        user = db.session.scalars(select(User)).one()
        assert user.role == "citizen" and user.name == "Anna de Vries"
        assert user.email_confirmed_at is not None and user.password_hash.startswith("scrypt:")


def test_the_confirmation_link_works_without_a_session_and_forged_links_fail(vault_app, mails):
    register(vault_app.test_client())
    [link] = {url for url in mails() if "/account/bevestigen/" in url}
    fresh = vault_app.test_client()
    page = fresh.get(link)
    assert page.status_code == 200 and "E-mailadres bevestigd" in page.text
    assert fresh.get(link[:-3] + "abc").status_code == 400


def test_registering_a_taken_address_reveals_nothing_and_changes_nothing(vault_app, mails):
    make_resident(vault_app, "bestaand@example.invalid")
    r = register(vault_app.test_client(), email="Bestaand@Example.invalid")
    assert r.status_code == 200 and "Kijk in uw mail" in r.text
    assert any("/wachtwoord-vergeten" in url for url in mails())
    with vault_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


@pytest.mark.parametrize(("password", "text"), [("kort", "minstens 12 tekens"), ("", "Vul dit in")])
def test_a_weak_password_is_refused(vault_app, password, text):
    r = register(vault_app.test_client(), password=password)
    assert r.status_code == 422 and text in r.text


def test_a_forgotten_password_is_reset_once(vault_app, mails):
    make_resident(vault_app, "vergeten@example.invalid")
    client = vault_app.test_client()
    r = client.post(
        "/wachtwoord-vergeten",
        data={
            "csrf_token": token_of(client, "/wachtwoord-vergeten"),
            "email": "vergeten@example.invalid",
        },
    )
    assert r.status_code == 200 and 'id="forgot-sent"' in r.text
    unknown = client.post(
        "/wachtwoord-vergeten",
        data={
            "csrf_token": token_of(client, "/wachtwoord-vergeten"),
            "email": "niemand@example.invalid",
        },
    )
    assert 'id="forgot-sent"' in unknown.text  # the same answer for an unknown address
    [link] = [url for url in mails() if "/wachtwoord-herstellen/" in url]
    form = {"csrf_token": token_of(client, link), "password": "mijn nieuwe wachtwoord"}
    assert client.post(link, data=form).status_code == 303
    other = vault_app.test_client()
    log_in(other, "vergeten@example.invalid", "mijn nieuwe wachtwoord")
    again = vault_app.test_client()
    assert again.get(link).status_code == 400  # bound to the old password hash: used up


def test_change_name_email_and_password(resident, vault_app, mails):
    client = resident("wijzig@example.invalid")
    token = token_of(client, "/account")
    assert (
        client.post(
            "/account/naam", data={"name-csrf_token": token, "name-name": "Piet Proef"}
        ).status_code
        == 303
    )
    wrong = client.post(
        "/account/wachtwoord",
        data={"pw-csrf_token": token, "pw-current": "fout", "pw-new": "nog een lang wachtwoord"},
    )
    assert wrong.status_code == 422 and "klopt niet" in wrong.text
    ok = client.post(
        "/account/wachtwoord",
        data={
            "pw-csrf_token": token,
            "pw-current": "correct horse battery",
            "pw-new": "nog een lang wachtwoord",
        },
    )
    assert ok.status_code == 303
    r = client.post(
        "/account/e-mail",
        data={
            "email-csrf_token": token,
            "email-email": "nieuw-adres@example.invalid",
            "email-password": "nog een lang wachtwoord",
        },
    )
    assert r.status_code == 303
    with vault_app.app_context():
        assert db.session.scalars(select(User)).one().email == "wijzig@example.invalid"  # not yet
    [link] = [url for url in mails() if "/account/bevestigen/" in url]
    client.get(link)
    with vault_app.app_context():
        user = db.session.scalars(select(User)).one()
        assert (user.email, user.name) == ("nieuw-adres@example.invalid", "Piet Proef")
    log_in(vault_app.test_client(), "nieuw-adres@example.invalid", "nog een lang wachtwoord")


def test_delete_account_removes_items_files_and_user(resident, vault_app, files_dir):
    client = resident("weg@example.invalid")
    add_item(client, files=[("photos", jpeg(), "a.jpg"), ("receipts", jpeg(), "b.jpg")])
    assert len(stored_files(files_dir)) == 2
    token = token_of(client, "/account")
    refused = client.post(
        "/account/verwijderen", data={"delete-csrf_token": token, "delete-password": "fout"}
    )
    assert refused.status_code == 422 and len(stored_files(files_dir)) == 2
    r = client.post(
        "/account/verwijderen",
        data={"delete-csrf_token": token, "delete-password": "correct horse battery"},
    )
    assert r.status_code == 200 and 'id="deleted"' in r.text
    assert stored_files(files_dir) == []
    with vault_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
        assert db.session.scalar(select(func.count()).select_from(VaultItem)) == 0
        assert db.session.scalars(select(AuditLog.action)).all() == ["account_deleted"]
    assert client.get("/spullen/").status_code == 302  # logged out


def test_forms_need_their_csrf_token(resident, vault_app):
    client = resident()
    assert client.post("/spullen/nieuw", data={"category": "fiets"}).status_code == 400
    assert (
        client.post(
            "/account/verwijderen", data={"delete-password": "correct horse battery"}
        ).status_code
        == 400
    )
    anonymous = vault_app.test_client()
    assert (
        anonymous.post(
            "/registreren", data={"email": "x@example.invalid", "password": PASSWORD}
        ).status_code
        == 400
    )


def test_registration_and_reset_are_rate_limited(app_with, files_dir):
    app = app_with(VAULT_FILES_DIR=str(files_dir), ACCOUNT_RATE_LIMIT="2/minute")
    client = app.test_client()
    codes = [register(client, email=f"r{n}@example.invalid").status_code for n in range(3)]
    assert codes == [200, 200, 429]
    codes = [
        client.post(
            "/wachtwoord-vergeten",
            data={
                "csrf_token": token_of(client, "/wachtwoord-vergeten"),
                "email": "a@example.invalid",
            },
        ).status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]


def test_session_cookie_flags(resident, vault_app):
    client = vault_app.test_client()
    make_resident(vault_app, "koek@example.invalid")
    r = client.post(
        "/inloggen",
        data={
            "email": "koek@example.invalid",
            "password": "correct horse battery",
            "csrf_token": token_of(client, "/inloggen"),
        },
    )
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert (
        vault_app.config["SESSION_COOKIE_SECURE"] is False
    )  # development; check() forces it in production


def test_an_smtp_failure_is_explained(app_with, files_dir):
    from tests.e2e.conftest import free_port

    app = app_with(
        VAULT_FILES_DIR=str(files_dir),
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=free_port(),
        DELIVERY_TIMEOUT_SECONDS=2,
    )
    r = register(app.test_client())
    assert r.status_code == 200 and "konden de e-mail nu niet versturen" in r.text


def test_a_password_change_ends_the_other_sessions(vault_app):
    make_resident(vault_app, "twee@example.invalid")
    phone, laptop = (log_in(vault_app.test_client(), "twee@example.invalid") for _ in range(2))
    assert phone.get("/spullen/").status_code == 200 and laptop.get("/spullen/").status_code == 200
    token = token_of(laptop, "/account")
    changed = laptop.post(
        "/account/wachtwoord",
        data={
            "pw-csrf_token": token,
            "pw-current": "correct horse battery",
            "pw-new": "een nieuw lang wachtwoord",
        },
    )
    assert changed.status_code == 303
    assert laptop.get("/spullen/").status_code == 200  # the session that changed it stays
    assert phone.get("/spullen/").status_code == 302  # the other one must log in again
    assert phone.get("/account").status_code == 302
