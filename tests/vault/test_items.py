"""Items: add with identifiers, photos and receipts; find by any spelling; edit; delete;
the IMEI check digit; the vault's one-click check."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from stopheling.extensions import db
from stopheling.vault.models import VaultFile, VaultIdentifier, VaultItem
from stopheling.vault.service import parse_identifier

from .conftest import add_item, jpeg, stored_files, token_of

IMEI = "35 693803 564380 9"


def listed(response) -> str:
    """The list of items on the vault page (empty when nothing was found)."""
    html = response.get_data(as_text=True)
    if '<ul class="vault-list"' not in html:
        return ""
    return html.split('<ul class="vault-list"')[1].split("</ul>")[0]


def test_an_item_with_two_identifiers_and_a_photo_is_stored_and_shown(resident, files_dir):
    client = resident()
    path = add_item(
        client,
        identifiers=[("auto", IMEI), ("serial", "fp5-ab 12345")],
        files=[("photos", jpeg(), "voorkant.jpg")],
        brand="Fairphone",
        model="5",
        category="telefoon",
    )
    page = client.get(path).get_data(as_text=True)
    assert "356938035643809" in page and "FP5AB12345" in page.replace("-", "").replace(" ", "")
    assert "Fairphone" in page and "Mobiele telefoon" in page
    assert len(stored_files(files_dir)) == 1


def test_a_photo_is_served_to_its_owner_with_safe_headers(resident, vault_app):
    client = resident()
    path = add_item(client, files=[("photos", jpeg(), "a.jpg")])
    with vault_app.app_context():
        file_id = db.session.scalar(select(VaultFile.id))
    r = client.get(f"{path}/bestanden/{file_id}")
    assert r.status_code == 200 and r.mimetype == "image/jpeg" and r.data[:3] == b"\xff\xd8\xff"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Content-Disposition"].startswith("inline; filename=")
    assert "no-store" in r.headers["Cache-Control"]


@pytest.mark.parametrize(
    "query",
    ["356938035643809", "35-693803-564380-9", "IMEI: 35 6938 0356 4380 9", "fp5ab12345",
     "FP5 AB 12345", "fairphone", "FAIRPH"],
)  # fmt: skip
def test_search_finds_the_item_by_any_spelling(resident, query):
    client = resident()
    add_item(client, identifiers=[("auto", IMEI), ("serial", "FP5-AB-12345")], brand="Fairphone")
    add_item(client, identifiers=[("serial", "OTHER-999")], brand="Bosch")
    found = listed(client.get("/spullen/", query_string={"q": query}))
    assert "Fairphone" in found and "Bosch" not in found


def test_search_by_category_and_nothing_found(resident):
    client = resident()
    add_item(client, identifiers=[("serial", "CAT-1111")], brand="Gazelle", category="fiets")
    add_item(client, identifiers=[("serial", "CAT-2222")], brand="Makita", category="gereedschap")
    page = client.get("/spullen/?category=fiets").get_data(as_text=True)
    assert "Gazelle" in page and "Makita" not in page
    page = client.get("/spullen/?q=XYZ-0000-NOPE").get_data(as_text=True)
    assert 'id="no-results"' in page


def test_a_wrong_imei_check_digit_is_explained_and_nothing_is_stored(resident, vault_app):
    client = resident()
    data = {
        "csrf_token": token_of(client, "/spullen/nieuw"),
        "category": "telefoon",
        "identifiers-0-kind": "auto",
        "identifiers-0-text": "35 693803 564380 1",
    }
    r = client.post("/spullen/nieuw", data=data)
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "het controlecijfer" in html and 'aria-invalid="true"' in html
    with vault_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(VaultItem)) == 0


@pytest.mark.parametrize(
    ("text", "kind", "code"),
    [
        ("356938035643801", "auto", "imei_check_digit"),
        ("356938035643801", "imei", "imei_check_digit"),
        ("12345", "imei", "imei_length"),
        ("ABCDEF", "imei", "not_imei"),
        ("XX", "plate", "plate_invalid"),
        ("ABC", "vin", "vin_invalid"),
        ("-", "serial", "unusable"),
        ("A" * 101, "serial", "too_long"),
    ],
)
def test_identifier_problems_have_codes(text, kind, code):
    from stopheling.errors import Unprocessable

    with pytest.raises(Unprocessable) as exc:
        parse_identifier(text, kind)
    assert exc.value.code == code


def test_identifiers_are_classified_and_normalized():
    assert parse_identifier(IMEI).kind.value == "imei"
    assert parse_identifier("12-AB-CD", "plate").display == "12-AB-CD"
    assert parse_identifier("356938035643801", "serial").kind.value == "serial"


def test_more_rows_for_identifiers_without_javascript(resident):
    client = resident()
    data = {"csrf_token": token_of(client, "/spullen/nieuw"), "more": "1", "category": "fiets"}
    for n in range(3):
        data[f"identifiers-{n}-text"] = ""
    page = client.post("/spullen/nieuw", data=data).get_data(as_text=True)
    assert 'name="identifiers-3-text"' in page


def test_edit_replaces_identifiers_and_delete_removes_everything(resident, vault_app, files_dir):
    client = resident()
    path = add_item(
        client,
        identifiers=[("serial", "OLD-1234")],
        files=[("photos", jpeg(), "a.jpg"), ("receipts", jpeg(colour="blue"), "bon.jpg")],
        brand="Sony",
    )
    data = {
        "csrf_token": token_of(client, path + "/bewerken"),
        "category": "audio_video",
        "brand": "Sony",
        "model": "WH-1000XM5",
        "identifiers-0-kind": "serial",
        "identifiers-0-text": "NEW-5678",
        "price": "349.95",
        "purchase_date": "2024-03-31",
    }
    r = client.post(path + "/bewerken", data=data)
    assert r.status_code == 303
    page = client.get(path).get_data(as_text=True)
    assert "NEW5678" in page.replace("-", "") and "OLD" not in page and "349,95" in page
    assert "Sony" not in listed(client.get("/spullen/?q=OLD-1234"))
    assert "Sony" in listed(client.get("/spullen/?q=new 5678"))
    assert len(stored_files(files_dir)) == 2
    r = client.post(path + "/verwijderen", data={"csrf_token": token_of(client, path)})
    assert r.status_code == 303
    assert stored_files(files_dir) == []
    with vault_app.app_context():
        for model in (VaultItem, VaultIdentifier, VaultFile):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0
    assert client.get(path).status_code == 404


def test_a_file_can_be_added_later_and_deleted(resident, vault_app, files_dir):
    client = resident()
    path = add_item(client)
    r = client.post(
        path + "/bestanden",
        data={"csrf_token": token_of(client, path), "role": "receipt",
              "files": [(io.BytesIO(b"%PDF-1.4\n" + _pdf_body()), "bon.pdf")]},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert r.status_code == 303, r.get_data(as_text=True)
    with vault_app.app_context():
        row = db.session.scalars(select(VaultFile)).one()
        assert (row.role, row.content_type, row.original_name) == (
            "receipt",
            "application/pdf",
            "bon.pdf",
        )
    served = client.get(f"{path}/bestanden/{row.id}")
    assert served.headers["Content-Disposition"].startswith("attachment;")
    r = client.post(
        f"{path}/bestanden/{row.id}/verwijderen", data={"csrf_token": token_of(client, path)}
    )
    assert r.status_code == 303 and stored_files(files_dir) == []


def _pdf_body() -> bytes:
    from tests.vault.pdfs import one_page_pdf

    return one_page_pdf("BON 2024-001")[len(b"%PDF-1.4\n") :]


def test_the_check_from_the_vault_uses_the_register(resident, add_items):
    add_items({"kind": "serial", "identifier": "STOLEN-4242", "brand": "Bosch"})
    client = resident()
    path = add_item(client, identifiers=[("serial", "stolen 4242"), ("serial", "CLEAN-0001")])
    page = client.get(path + "/controleren").get_data(as_text=True)
    assert page.count("Staat geregistreerd als gestolen.") == 1
    assert page.count("Niet gevonden in het register.") == 1


def test_the_public_check_never_searches_a_vault(resident, client):
    add_item(resident(), identifiers=[("serial", "MYOWN-7777")])
    result = client.get("/api/v1/check?q=MYOWN-7777").get_json()
    assert result["flagged"] is False and result["matches"] == [] and result["near"] == []
