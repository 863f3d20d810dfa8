"""Acceptance 1: a new resident in a real browser against a real server and a real SMTP
server: register, confirm through the mailed link, log in, add an item with two
identifiers and a photo, find it by a differently written identifier, mark it stolen,
download the PDF sheet and find the serial number in its text, export the zip, delete
the account."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile

import pytest
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import func, select

from stopheling.accounts.models import User
from stopheling.extensions import db
from stopheling.vault.models import VaultItem

from .conftest import ROOT, free_port, wait_until_up
from .delivery import Mailbox

pytestmark = [pytest.mark.browser, pytest.mark.slow]
PASSWORD = "mijn fiets is mij lief"
SERIAL = "FP5-2024-ABC123"
IMEI = "35 693803 564380 9"


@pytest.fixture
def mailbox():
    with Mailbox(free_port()) as box:
        yield box


@pytest.fixture
def vault_server(database_url, mailbox, tmp_path):
    """gunicorn configured through the environment: the test's SMTP server, its own
    folder for vault files, the public address used in the mailed links."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    files = tmp_path / "vault-files"
    env = os.environ | {
        "DATABASE_URL": database_url,
        "STOPHELING_BIND": f"127.0.0.1:{port}",
        "STOPHELING_WORKERS": "1",
        "STOPHELING_ACCESS_LOG": "/dev/null",
        "STOPHELING_LOGIN_RATE_LIMIT": "10000/minute",
        "STOPHELING_ACCOUNT_RATE_LIMIT": "10000/minute",
        "STOPHELING_SMTP_HOST": "127.0.0.1",
        "STOPHELING_SMTP_PORT": str(mailbox.controller.port),
        "STOPHELING_PUBLIC_BASE_URL": base,
        "STOPHELING_VAULT_FILES_DIR": str(files),
        "STOPHELING_VAULT_KEY": "e2e-vault-key-" + "x" * 32,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        wait_until_up(base + "/healthz", process)
        yield base, files
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        process.stderr.close()


def _photo() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 90, 160)).save(buf, "JPEG")
    return buf.getvalue()


def _mail_link(mailbox, to: str, seconds: float = 15) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for rcpt, message in mailbox.messages:
            if to in rcpt:
                body = message.get_body(preferencelist=("plain",)).get_content()
                return re.search(r"(http://\S+/account/bevestigen/\S+)", body).group(1)
        time.sleep(0.1)
    raise AssertionError(f"no mail to {to} arrived")


def test_a_resident_uses_the_vault_from_registration_to_deletion(vault_server, mailbox, page, app):
    base, files = vault_server
    email = "bewoner.proef@example.invalid"

    # register; the confirmation mail arrives at the SMTP server
    page.goto(base + "/")
    page.get_by_role("link", name="Mijn spullen").click()
    page.get_by_role("link", name="Account maken").click()
    page.get_by_label("Uw naam").fill("Bea Bewoner")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord (minstens 12 tekens)").fill(PASSWORD)
    page.get_by_role("button", name="Account maken").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kijk in uw mail")
    link = _mail_link(mailbox, email)
    assert link.startswith(base)

    # confirm, then log in
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("E-mailadres bevestigd")
    page.get_by_role("link", name="Inloggen").last.click()
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/spullen/")

    # add an item with two identifiers and a photo
    page.get_by_role("link", name="Voorwerp toevoegen").click()
    page.get_by_label("Soort voorwerp").select_option("telefoon")
    page.get_by_label("Merk").fill("Fairphone")
    page.get_by_label("Type of model").fill("5")
    page.get_by_label("Nummer 1", exact=True).fill(IMEI)
    page.get_by_label("Nummer 2", exact=True).fill(SERIAL)
    page.get_by_label("Soort nummer 2", exact=True).select_option("serial")
    page.get_by_label("Foto's van het voorwerp").set_input_files(
        files=[{"name": "telefoon.jpg", "mimeType": "image/jpeg", "buffer": _photo()}]
    )
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(re.compile(r".*/spullen/\d+$"))
    assert "356938035643809" in page.locator("#identifiers").inner_text()
    photo = page.get_by_role("img", name="Foto 1")
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 320

    # find it by a differently written identifier
    page.get_by_role("link", name="← Mijn spullen").click()
    page.get_by_label("Zoeken op nummer, merk of type").fill("fp5 2024 abc 123")
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_role("link", name="Fairphone 5").click()

    # mark it stolen
    page.get_by_role("link", name="Gestolen? Markeer als gestolen").click()
    page.get_by_label("Datum van de diefstal").fill("2026-11-28")
    page.get_by_label("Plaats (adres of omschrijving)").fill("Utrecht, Oudegracht 1")
    page.get_by_label("Hoe is het gebeurd?").fill("Uit mijn jaszak in de trein")
    page.get_by_role("button", name="Markeren als gestolen").click()
    expect(page.get_by_role("heading", name="Gestolen", exact=True)).to_be_visible()

    # the PDF sheet holds the serial number, the IMEI and the owner's name
    with page.expect_download() as download:
        page.get_by_role("link", name="Aangifteformulier downloaden (PDF)").click()
    reader = PdfReader(download.value.path())
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert SERIAL.replace("-", "") in re.sub(r"[\s-]", "", text)
    assert "356938035643809" in text and "Bea Bewoner" in text

    # export everything
    page.get_by_role("link", name="Mijn spullen").first.click()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Alles downloaden")).click()
    archive = zipfile.ZipFile(download.value.path())
    items = json.loads(archive.read("items.json"))["items"]
    assert [i["normalized"] for i in items[0]["identifiers"]][0] == "356938035643809"
    assert any(n.startswith("files/") and n.endswith(".jpg") for n in archive.namelist())
    assert "items.csv" in archive.namelist()

    # delete the account with everything in it
    page.get_by_role("link", name="Account", exact=True).click()
    page.get_by_label("Uw wachtwoord, ter bevestiging").fill(PASSWORD)
    page.get_by_role("button", name="Account en alles erin verwijderen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Account verwijderd")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0
        assert db.session.scalar(select(func.count()).select_from(VaultItem)) == 0
    assert list(files.iterdir()) == []
