"""The owner's data is theirs: export as zip (JSON, CSV, files), import into a new account;
a hostile or broken archive gets a clear message and stores nothing."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from sqlalchemy import func, select

from stopheling.extensions import db
from stopheling.vault.models import VaultFile, VaultItem

from .conftest import add_item, jpeg, stored_files, token_of
from .pdfs import one_page_pdf


def _export(client) -> bytes:
    r = client.get("/spullen/export.zip")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    assert r.headers["Content-Disposition"].startswith("attachment;")
    return r.data


def _import(client, data: bytes):
    form = {
        "csrf_token": token_of(client, "/spullen/importeren"),
        "archive": (io.BytesIO(data), "x.zip"),
    }
    return client.post("/spullen/importeren", data=form, content_type="multipart/form-data")


@pytest.fixture
def exported(resident):
    client = resident("bron@example.invalid")
    path = add_item(
        client,
        identifiers=[("auto", "35 693803 564380 9"), ("serial", "EXP-0001-AB")],
        files=[("photos", jpeg(), "voor.jpg"), ("receipts", one_page_pdf("Bon 99"), "bon.pdf")],
        brand="=HYPERLINK(1)", model="Pro", price="12.50", purchase_date="2025-01-02",
    )  # fmt: skip
    add_item(client, identifiers=[("serial", "EXP-0002")], brand="Batavus", category="fiets")
    stolen = {"stolen_on": "2026-11-20", "stolen_place": "Delft", "stolen_how": "uit de schuur"}
    client.post(
        path + "/gestolen", data=stolen | {"csrf_token": token_of(client, path + "/gestolen")}
    )
    client.post(
        path + "/zaaknummer",
        data={"csrf_token": token_of(client, path), "police_case": "2026-123456"},
    )
    return _export(client)


def test_the_export_holds_json_csv_and_the_files(exported):
    archive = zipfile.ZipFile(io.BytesIO(exported))
    doc = json.loads(archive.read("items.json"))
    assert doc["format"] == "stopheling-vault" and len(doc["items"]) == 2
    phone = next(i for i in doc["items"] if i["model"] == "Pro")
    assert {i["normalized"] for i in phone["identifiers"]} == {"356938035643809", "EXP0001AB"}
    assert phone["stolen"] == {
        "on": "2026-11-20",
        "place": "Delft",
        "how": "uit de schuur",
        "police_case": "2026-123456",
    }
    assert phone["price_cents"] == 1250 and phone["purchase_date"] == "2025-01-02"
    assert {f["role"] for f in phone["files"]} == {"photo", "receipt"}
    for f in phone["files"]:
        assert archive.read(f["path"])[:3] in (b"\xff\xd8\xff", b"%PD")
    rows = list(csv.DictReader(io.StringIO(archive.read("items.csv").decode())))
    assert len(rows) == 2 and any("356938035643809" in r["nummers"] for r in rows)
    assert any(r["merk"] == "'=HYPERLINK(1)" for r in rows)  # no formula in a spreadsheet


def test_an_export_imports_into_a_new_account(exported, resident, vault_app, files_dir):
    client = resident("nieuw@example.invalid")
    r = _import(client, exported)
    assert r.status_code == 303
    page = client.get("/spullen/").text
    assert "Batavus" in page and "HYPERLINK" in page and "gestolen" in page
    assert "Batavus" in client.get("/spullen/?q=exp 0002").text
    again = zipfile.ZipFile(io.BytesIO(_export(client)))
    doc = json.loads(again.read("items.json"))
    assert sorted(len(i["files"]) for i in doc["items"]) == [0, 2]
    assert len(stored_files(files_dir)) == 4  # two accounts, two files each


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return out.getvalue()


def _doc(items) -> bytes:
    return json.dumps({"format": "stopheling-vault", "version": 1, "items": items}).encode()


ITEM = {
    "category": "fiets",
    "brand": "Gazelle",
    "identifiers": [{"kind": "frame", "text": "GZ123456"}],
}
BAD = {
    "not a zip": (b"PK\x03\x04 this is not really a zip", "geen zip-bestand"),
    "no items.json": (_zip({"readme.txt": b"hi"}), "ontbreekt items.json"),
    "bad json": (_zip({"items.json": b"{not json"}), "geen geldige JSON"),
    "wrong format": (_zip({"items.json": b'{"format": "other", "items": []}'}), "niet de vorm"),
    "path traversal": (
        _zip({"items.json": _doc([ITEM]), "../../etc/passwd": b"x"}),
        "onveilige bestandsnaam",
    ),
    "absolute path": (
        _zip({"items.json": _doc([ITEM]), "/tmp/evil": b"x"}),
        "onveilige bestandsnaam",
    ),
    "traversal in a file reference": (
        _zip(
            {
                "items.json": _doc(
                    [ITEM | {"files": [{"role": "photo", "path": "files/../../x.jpg"}]}]
                )
            }
        ),
        "onveilige bestandsnaam",
    ),
    "zip bomb": (
        _zip(
            {
                "items.json": _doc([ITEM | {"files": [{"role": "photo", "path": "files/a.jpg"}]}]),
                "files/a.jpg": b"\xff\xd8\xff" + b"\0" * (8 * 1024 * 1024),
            }
        ),
        "zip-bom",
    ),  # fmt: skip
    "entry larger than any file may be": (
        _zip(
            {
                "items.json": _doc([ITEM | {"files": [{"role": "photo", "path": "files/a.jpg"}]}]),
                "files/a.jpg": b"\xff\xd8\xff" + b"\0" * (11 * 1024 * 1024),
            }
        ),
        "te groot",
    ),  # fmt: skip
    "missing file": (
        _zip({"items.json": _doc([ITEM | {"files": [{"role": "photo", "path": "files/a.jpg"}]}])}),
        "ontbreekt in het zip-bestand",
    ),
    "a file that is no image": (
        _zip(
            {
                "items.json": _doc([ITEM | {"files": [{"role": "photo", "path": "files/a.jpg"}]}]),
                "files/a.jpg": b"<script>alert(1)</script>",
            }
        ),
        "niet toegestaan",
    ),  # fmt: skip
    "invalid IMEI": (
        _zip(
            {
                "items.json": _doc(
                    [ITEM, {"identifiers": [{"kind": "imei", "text": "356938035643801"}]}]
                )
            }
        ),
        "niet geldig",
    ),
    "wrong types": (_zip({"items.json": _doc([{"brand": ["x"]}])}), "niet de vorm"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_archive_is_explained_and_nothing_is_stored(resident, vault_app, files_dir, case):
    data, text = BAD[case]
    client = resident("import@example.invalid")
    r = _import(client, data)
    assert r.status_code == 422
    assert text in r.text and "Er is niets ingelezen" in r.text
    with vault_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(VaultItem)) == 0
        assert db.session.scalar(select(func.count()).select_from(VaultFile)) == 0
    assert stored_files(files_dir) == []
