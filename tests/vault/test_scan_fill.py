"""Add by scan: a photo of the label fills the identifier fields of the new-item form;
nothing is stored until the resident saves."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from stopheling.extensions import db
from stopheling.vault.models import VaultItem
from tests.routes.test_api_scan import in_scene, post_scan
from tests.scan.corpus import render

from .conftest import token_of

pytestmark = pytest.mark.slow


def test_a_photo_of_a_barcode_fills_the_form(resident, vault_app):
    client = resident()
    token = token_of(client, "/spullen/nieuw")
    r = post_scan(
        client, in_scene(render("code128")), path="/spullen/scannen", fields={"csrf_token": token}
    )
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'id="scan-result"' in html
    assert 'name="identifiers-0-text" value="C02XK1Q2JG5H"' in html
    row = html.split('name="identifiers-0-kind"')[1].split("</select>")[0]
    assert '<option selected value="serial">' in row or 'value="serial" selected' in row
    assert 'name="identifiers-2-text"' in html  # room for more numbers by hand
    with vault_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(VaultItem)) == 0


def test_a_photo_without_numbers_says_so_and_a_non_image_is_explained(resident):
    client = resident()
    token = token_of(client, "/spullen/nieuw")
    blank = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (400, 300), "white").save(blank, "PNG")
    r = post_scan(
        client,
        blank.getvalue(),
        name="leeg.png",
        path="/spullen/scannen",
        fields={"csrf_token": token},
    )
    assert r.status_code == 200 and "vonden wij geen nummer" in r.text
    r = post_scan(
        client, b"not an image", name="x.jpg", path="/spullen/scannen", fields={"csrf_token": token}
    )
    assert r.status_code == 415 and 'id="scan-error"' in r.text
