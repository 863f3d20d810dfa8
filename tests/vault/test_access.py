"""Acceptance 2: a second resident can neither see, download, edit nor delete the first
resident's items or files by any URL: every vault route that names an item or a file
answers 404 (the same as for an item that does not exist), and nothing changes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from stopheling.extensions import db
from stopheling.vault.models import VaultFile, VaultIdentifier, VaultItem

from .conftest import add_item, jpeg, stored_files, token_of

# endpoint: (method, path); {item} and {file} are the first resident's.
ROUTES = {
    "vault.item": ("GET", "/spullen/{item}"),
    "vault.edit": ("GET", "/spullen/{item}/bewerken"),
    "vault.update": ("POST", "/spullen/{item}/bewerken"),
    "vault.delete": ("POST", "/spullen/{item}/verwijderen"),
    "vault.upload": ("POST", "/spullen/{item}/bestanden"),
    "vault.file": ("GET", "/spullen/{item}/bestanden/{file}"),
    "vault.delete_file": ("POST", "/spullen/{item}/bestanden/{file}/verwijderen"),
    "vault.stolen_form": ("GET", "/spullen/{item}/gestolen"),
    "vault.mark_stolen": ("POST", "/spullen/{item}/gestolen"),
    "vault.case_number": ("POST", "/spullen/{item}/zaaknummer"),
    "vault.recovered": ("POST", "/spullen/{item}/teruggevonden"),
    "vault.check": ("GET", "/spullen/{item}/controleren"),
    "vault.item_sheet": ("GET", "/spullen/{item}/aangifte"),
    "vault.item_sheet_pdf": ("GET", "/spullen/{item}/aangifte.pdf"),
}
# A file id of the first resident under the second resident's own item.
CROSSED = {
    "vault.file": ("GET", "/spullen/{own}/bestanden/{file}"),
    "vault.delete_file": ("POST", "/spullen/{own}/bestanden/{file}/verwijderen"),
}


def test_every_route_with_an_item_or_file_is_in_the_table(vault_app):
    named = {
        rule.endpoint
        for rule in vault_app.url_map.iter_rules()
        if rule.endpoint.startswith(("vault.", "account."))
        and rule.arguments & {"item_id", "file_id"}
    }
    assert named == set(ROUTES)


@pytest.fixture
def two_residents(resident, vault_app):
    first = resident("eerste@example.invalid")
    item = add_item(
        first,
        identifiers=[("serial", "FIRST-0001")],
        files=[("photos", jpeg(), "a.jpg")],
        brand="Eerste",
    ).rsplit("/", 1)[1]
    second = resident("tweede@example.invalid")
    own = add_item(second, identifiers=[("serial", "SECOND-0002")]).rsplit("/", 1)[1]
    with vault_app.app_context():
        file_id = db.session.scalar(select(VaultFile.id).where(VaultFile.item_id == int(item)))
    return first, second, {"item": item, "file": file_id, "own": own}


def _snapshot(app):
    with app.app_context():
        rows = [
            db.session.scalar(select(func.count()).select_from(m))
            for m in (VaultItem, VaultIdentifier, VaultFile)
        ]
        item = db.session.scalars(select(VaultItem).where(VaultItem.brand == "Eerste")).one()
        return rows, (item.brand, item.stolen_on, item.police_case, item.updated_at)


@pytest.mark.parametrize("endpoint", [*ROUTES, *(f"crossed:{e}" for e in CROSSED)])
def test_the_second_resident_gets_404_and_changes_nothing(
    two_residents, vault_app, files_dir, endpoint
):
    _, second, ids = two_residents
    method, path = CROSSED[endpoint[8:]] if endpoint.startswith("crossed:") else ROUTES[endpoint]
    before, files_before = _snapshot(vault_app), stored_files(files_dir)
    data = {
        "csrf_token": token_of(second, "/spullen/nieuw"),
        "category": "overig", "brand": "Overgenomen", "identifiers-0-text": "X-1",
        "stolen_on": "2026-11-01", "stolen_place": "Ergens", "police_case": "PL0900-2026",
        "role": "photo",
    }  # fmt: skip
    response = second.open(
        path.format(**ids), method=method, data=data if method == "POST" else None
    )
    assert response.status_code == 404
    assert b"Eerste" not in response.data and b"FIRST" not in response.data
    assert _snapshot(vault_app) == before and stored_files(files_dir) == files_before


def test_the_first_resident_still_sees_everything(two_residents):
    first, _, ids = two_residents
    assert first.get(f"/spullen/{ids['item']}").status_code == 200
    assert first.get(f"/spullen/{ids['item']}/bestanden/{ids['file']}").status_code == 200
    assert first.get(f"/spullen/{ids['own']}").status_code == 404


def test_lists_search_sheet_and_export_show_only_ones_own(two_residents):
    import io
    import zipfile

    _, second, _ = two_residents
    for path in ("/spullen/", "/spullen/aangifte"):
        assert b"Eerste" not in second.get(path).data
    for query in ("FIRST-0001", "Eerste"):
        assert 'id="no-results"' in second.get("/spullen/", query_string={"q": query}).text
    archive = zipfile.ZipFile(io.BytesIO(second.get("/spullen/export.zip").data))
    assert b"FIRST" not in archive.read("items.json") and b"SECOND" in archive.read("items.json")
    assert not [n for n in archive.namelist() if n.startswith("files/")]


@pytest.mark.parametrize("role", ["dealer", "police", "admin", "municipality", "boa"])
def test_other_roles_never_open_a_vault(two_residents, vault_app, make_user, role):
    from .conftest import log_in

    _, _, ids = two_residents
    client = log_in(vault_app.test_client(), make_user(role, "AM" if role == "police" else None))
    assert client.get(f"/spullen/{ids['item']}").status_code == 403
    assert client.get(f"/spullen/{ids['item']}/bestanden/{ids['file']}").status_code == 403
