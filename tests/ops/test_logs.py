"""Logs carry no identifiers, plates or reporters' contact data (personal data under Dutch
law), whatever is checked, scanned, imported or reported."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from stopheling.accounts.tokens import create_token
from stopheling.extensions import db
from stopheling.reports.channels import add_channel
from tests.e2e.conftest import free_port
from tests.e2e.delivery import Mailbox, wait_for
from tests.scan.corpus import encode, render

from .conftest import gunicorn, start_worker

pytestmark = [pytest.mark.slow]

IMEI = "356938035643809"
PLATE = "99-XYZ-9"
SERIAL = "C02XK1Q2JG5H"  # also the content of the rendered Code 128 label
IMPORTED = "LOGIMPORT4711"
PHONE, EMAIL, NAME = "0687654321", "verklikker@example.invalid", "Joke Verzonnen"
SECRETS = [IMEI, "35 693803 564380 9", PLATE, "99XYZ9", SERIAL, IMPORTED, PHONE, EMAIL, NAME,
           "MISS987654321"]  # fmt: skip


def request(url: str, data: bytes | None = None, **headers: str) -> int:
    req = urllib.request.Request(url, data=data, headers=headers,
                                 method="POST" if data is not None else "GET")  # fmt: skip
    try:
        with urllib.request.urlopen(req, timeout=60) as response:  # loopback server
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        error.read()
        error.close()
        return error.code


def multipart(field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "----stopheling-log-test"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
        f'filename="{filename}"\r\nContent-Type: image/png\r\n\r\n'
    ).encode()
    body += content + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"  # fmt: skip


def test_no_identifier_plate_or_contact_reaches_any_log(app, add_items, database_url, tmp_path):
    refs = add_items(
        {"kind": "imei", "identifier": IMEI}, {"kind": "plate", "identifier": PLATE},
        {"kind": "serial", "identifier": SERIAL},
    )  # fmt: skip
    with app.app_context():
        token = create_token(db.session, kind="police", police_unit="AM")
        add_channel(db.session, "AM", "email", "meldingen@politie.invalid")
        db.session.commit()
    access, worker_log = tmp_path / "access.log", tmp_path / "worker.log"
    settings = {"STOPHELING_ACCESS_LOG": str(access), "STOPHELING_LOG_FORMAT": "json"}
    smtp = free_port()
    with Mailbox(smtp) as mailbox, gunicorn(database_url, **settings) as (base, server):
        worker = start_worker(database_url, worker_log, STOPHELING_SMTP_HOST="127.0.0.1",
                              STOPHELING_SMTP_PORT=str(smtp))  # fmt: skip
        try:
            for q in (IMEI, "35 693803 564380 9", PLATE, "MISS987654321"):
                quoted = urllib.parse.quote(q)
                assert request(f"{base}/api/v1/check?q={quoted}") == 200
                assert request(f"{base}/controleren?q={quoted}") == 200
            body, kind = multipart("image", "label.png", encode(render("code128")))
            assert request(f"{base}/api/v1/scan", body, **{"Content-Type": kind}) == 200
            line = json.dumps({"kind": "serial", "identifier": IMPORTED, "police_unit": "AM",
                               "reported_on": "2026-10-01", "source_id": "LOG-1"})  # fmt: skip
            assert request(f"{base}/api/v1/stolen/import", line.encode(),
                           **{"Content-Type": "application/x-ndjson",
                              "Authorization": f"Bearer {token}"}) == 200  # fmt: skip
            report = {"ref": refs[1], "where": f"Marktplaats, kenteken {PLATE}", "query": PLATE,
                      "contact": {"name": NAME, "email": EMAIL, "phone": PHONE}}  # fmt: skip
            assert request(f"{base}/api/v1/reports", json.dumps(report).encode(),
                           **{"Content-Type": "application/json"}) == 201  # fmt: skip
            assert request(f"{base}/api/v1/check?q={IMEI}&kind=nonsense") == 400
            wait_for(lambda: len(mailbox.messages) == 2, what="the unit's and the citizen's mail")
        finally:
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=60) == 0
        time.sleep(0.5)  # let the last lines reach the files
        server_log = Path(_gunicorn_log(server)).read_text()
    logs = {"access": access.read_text(), "worker": worker_log.read_text(), "server": server_log}
    assert "/api/v1/check" in logs["access"] and "delivery worker" in logs["worker"]
    for name, text in logs.items():
        leaked = [s for s in SECRETS if s.lower() in text.lower()]
        assert leaked == [], f"{name} log holds {leaked}"


def _gunicorn_log(process: subprocess.Popen) -> str:
    """The file gunicorn's stderr (the app's log) goes to, from /proc."""
    return os.readlink(f"/proc/{process.pid}/fd/2")
